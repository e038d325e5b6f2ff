using System.Text;
using EventDriven.Sagas;

namespace EventDriven.Storage.Contracts;

/// <summary>The <see cref="ISagaStore"/> contract of every durable backend: revisions, group-committed saves, collapse, open instances and timeouts.</summary>
public abstract class SagaStoreContractTests(ReliabilityStoreFactory factory) : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task SaveThenLoad_RoundTripsEveryColumn_AcrossReopening()
    {
        byte[] data = Encoding.UTF8.GetBytes("{\"state\":{}}");
        ISagaStore store = factory.OpenSagaStore();
        await store.SaveAsync(Record("a", 1, SagaStatus.Running, data, s_now.AddSeconds(30)), 0);
        await store.SaveAsync(Record("a", 2, SagaStatus.Running, data, s_now.AddSeconds(60)), 1);
        await ReliabilityStoreFactory.CloseAsync(store);

        ISagaStore reopened = factory.OpenSagaStore();
        SagaRecord? loaded = await reopened.LoadAsync("S", "a");

        Assert.NotNull(loaded);
        Assert.Equal(2, loaded.Revision);
        Assert.Equal(SagaStatus.Running, loaded.Status);
        Assert.Equal(data, loaded.Data);
        Assert.Equal(s_now.AddSeconds(60), loaded.TimeoutAt);
        Assert.Equal(s_now, loaded.UpdatedAt);
        Assert.Null(await reopened.LoadAsync("S", "b"));
        Assert.Null(await reopened.LoadAsync("Other", "a"));
    }

    [Fact]
    public async Task Save_WithAStaleRevision_FailsWithSagaConcurrencyException_AndWritesNothing()
    {
        ISagaStore store = factory.OpenSagaStore();
        await store.SaveAsync(Record("a", 1), 0);
        await store.FlushAsync();

        var stale = await Assert.ThrowsAsync<SagaConcurrencyException>(() => store.SaveAsync(Record("a", 2, status: SagaStatus.Completed), 5).AsTask());
        var exists = await Assert.ThrowsAsync<SagaConcurrencyException>(() => store.SaveAsync(Record("a", 1), 0).AsTask());
        var missing = await Assert.ThrowsAsync<SagaConcurrencyException>(() => store.SaveAsync(Record("nobody", 2), 1).AsTask());

        Assert.Equal((5L, (long?)1), (stale.ExpectedRevision, stale.ActualRevision));
        Assert.Equal(1, exists.ActualRevision);
        Assert.Null(missing.ActualRevision);
        Assert.Equal(SagaStatus.Running, (await store.LoadAsync("S", "a"))!.Status);
    }

    [Fact]
    public async Task ManyConcurrentSaves_AreGroupCommitted_AndAConflictFailsOnlyItsOwnSave()
    {
        ISagaStore store = factory.OpenSagaStore();
        await store.SaveAsync(Record("conflict", 1), 0);

        Task[] saves = [.. Enumerable.Range(0, 2000).Select(i => store.SaveAsync(Record("id-" + i, 1), 0).AsTask()), store.SaveAsync(Record("conflict", 9), 4).AsTask()];
        Exception? failure = await Catch(() => Task.WhenAll(saves));

        Assert.IsType<SagaConcurrencyException>(failure);
        Assert.Equal(1, saves.Count(t => t.IsFaulted));
        Assert.Equal(2001, (await store.ListOpenAsync("S")).Count);
    }

    [Fact]
    public async Task Load_SeesQueuedSaves_AndSavesOfOneInstanceQueuedTogetherCollapse()
    {
        ISagaStore store = factory.OpenSagaStore();
        ValueTask first = store.SaveAsync(Record("a", 1), 0);
        ValueTask second = store.SaveAsync(Record("a", 2), 1);
        ValueTask third = store.SaveAsync(Record("a", 3, SagaStatus.Completed), 2);

        Assert.Equal(3, (await store.LoadAsync("S", "a"))!.Revision);
        await first;
        await second;
        await third;
        Assert.Equal(SagaStatus.Completed, (await store.LoadAsync("S", "a"))!.Status);
    }

    [Fact]
    public async Task ListOpen_AndDueTimeouts_SeeOnlyRunningInstancesOfTheSagaType()
    {
        ISagaStore store = factory.OpenSagaStore();
        await store.SaveAsync(Record("late", 1, timeoutAt: s_now.AddSeconds(10)), 0);
        await store.SaveAsync(Record("early", 1, timeoutAt: s_now.AddSeconds(5)), 0);
        await store.SaveAsync(Record("future", 1, timeoutAt: s_now.AddHours(1)), 0);
        await store.SaveAsync(Record("none", 1), 0);
        await store.SaveAsync(Record("done", 1, SagaStatus.Completed, timeoutAt: s_now), 0);
        await store.SaveAsync(new SagaRecord("Other", "x", 1, SagaStatus.Running, [1], s_now, s_now), 0);

        IReadOnlyList<SagaRecord> open = await store.ListOpenAsync("S");
        IReadOnlyList<SagaRecord> due = await store.GetDueTimeoutsAsync("S", s_now.AddMinutes(1), max: 10);
        IReadOnlyList<SagaRecord> first = await store.GetDueTimeoutsAsync("S", s_now.AddMinutes(1), max: 1);

        Assert.Equal(["early", "future", "late", "none"], open.Select(r => r.CorrelationId).Order(StringComparer.Ordinal));
        Assert.Equal(["early", "late"], due.Select(r => r.CorrelationId));
        Assert.Equal("early", Assert.Single(first).CorrelationId);
    }

    [Fact]
    public async Task Dispose_CommitsWhatIsStillQueued()
    {
        ISagaStore store = factory.OpenSagaStore();
        for (int i = 0; i < 500; i++)
        {
            _ = store.SaveAsync(Record("q" + i, 1), 0);
        }

        await ReliabilityStoreFactory.CloseAsync(store);

        ISagaStore reopened = factory.OpenSagaStore();
        Assert.Equal(500, (await reopened.ListOpenAsync("S")).Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.SaveAsync(Record("after", 1), 0).AsTask());
    }

    private static SagaRecord Record(string id, long revision, SagaStatus status = SagaStatus.Running, byte[]? data = null, DateTimeOffset? timeoutAt = null)
        => new("S", id, revision, status, data ?? [(byte)'{', (byte)'}'], timeoutAt, s_now);

    private static async Task<Exception?> Catch(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
