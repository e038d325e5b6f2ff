using EventDriven.Sqlite.Tests.Fixtures;
using EventDriven.Store;
using static EventDriven.Storage.Contracts.StoreRead;

namespace EventDriven.Sqlite.Tests.Concurrency;

/// <summary>Optimistic concurrency under real contention, against every store.</summary>
public abstract class ConcurrentAppendTests(StoreFactory factory) : IAsyncLifetime
{
    private const int Writers = 16;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task SixteenWritersAtTheSameExpectedVersion_ExactlyOneSucceedsAndFifteenConflict()
    {
        IEventStore store = factory.Create();
        await store.AppendAsync("order-1", Items(new ItemAdded("order-1", "created", 1)), ExpectedVersion.NoStream);
        // An async gate, not a Barrier: sixteen blocked pool threads on two cores would wait for the pool to grow.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<bool>[] writers = [.. Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await store.AppendAsync("order-1", Items(new ItemAdded("order-1", "writer-" + w, w), new ItemAdded("order-1", "second", w)), ExpectedVersion.Exactly(0));
                return true;
            }
            catch (ConcurrencyException ex) when (ex.Expected == ExpectedVersion.Exactly(0) && ex.ActualVersion == 2)
            {
                return false;
            }
        }))];
        start.SetResult();
        bool[] outcomes = await Task.WhenAll(writers);

        Assert.Equal(1, outcomes.Count(succeeded => succeeded));
        Assert.Equal(Writers - 1, outcomes.Count(succeeded => !succeeded));
        Assert.Equal([0L, 1, 2], (await AllAsync(store.ReadStreamAsync("order-1"))).Select(e => e.StreamVersion));
        Assert.Equal(3, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task SixteenWritersRetryingOnConflict_AppendSixteenThousandEventsWithoutGaps()
    {
        const int AppendsPerWriter = 1_000;
        IEventStore store = factory.Create();
        long conflicts = 0;

        Task[] writers = [.. Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < AppendsPerWriter; i++)
            {
                var added = new ItemAdded("order-1", $"w{w}-{i}", i);
                while (true)
                {
                    long version = await store.GetStreamVersionAsync("order-1");
                    ExpectedVersion expected = version < 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version);
                    try
                    {
                        await store.AppendAsync("order-1", Items(added), expected);
                        break;
                    }
                    catch (ConcurrencyException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }))];
        await Task.WhenAll(writers);

        List<StoredEvent> all = await AllAsync(store.ReadAllAsync());
        Assert.Equal((Writers * AppendsPerWriter) - 1, await store.GetStreamVersionAsync("order-1"));
        Assert.Equal(Enumerable.Range(0, Writers * AppendsPerWriter).Select(v => (long)v), all.Select(e => e.StreamVersion));
        Assert.Equal(Enumerable.Range(1, Writers * AppendsPerWriter).Select(p => (long)p), all.Select(e => e.Position));
        Assert.Equal(Writers * AppendsPerWriter, all.Select(e => e.EventId).Distinct().Count());
    }
}

public sealed class InMemoryConcurrentAppendTests() : ConcurrentAppendTests(new InMemoryStoreFactory());

/// <summary>With the default <see cref="SqliteSynchronous.Full"/>: every one of the sixteen thousand contended rounds is a synced commit.</summary>
public sealed class SqliteConcurrentAppendTests() : ConcurrentAppendTests(new SqliteStoreFactory());
