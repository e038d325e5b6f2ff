using EventDriven.Reliability;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Storage.Contracts;

/// <summary>The <see cref="IInbox"/> contract of every durable backend: marks once per consumer, durable, concurrent, purged by age.</summary>
public abstract class InboxContractTests(ReliabilityStoreFactory factory) : IAsyncLifetime
{
    private const string Consumer = "Shop.Billing.ChargeCard";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Mark_RecordsOncePerConsumer_AndAnAcknowledgedMarkSurvivesReopening()
    {
        Guid eventId = Guid.NewGuid();
        IInbox inbox = factory.OpenInbox();
        Assert.False(await inbox.HasProcessedAsync(Consumer, eventId));
        Assert.True(await inbox.MarkProcessedAsync(Consumer, eventId));
        Assert.False(await inbox.MarkProcessedAsync(Consumer, eventId));
        Assert.False(await inbox.HasProcessedAsync("Shop.Mail.SendReceipt", eventId));
        await ReliabilityStoreFactory.CloseAsync(inbox);

        IInbox reopened = factory.OpenInbox();
        Assert.True(await reopened.HasProcessedAsync(Consumer, eventId));
        Assert.False(await reopened.HasProcessedAsync(Consumer, Guid.NewGuid()));
    }

    [Fact]
    public async Task ConcurrentMarks_FromManyConsumers_AreAllRecorded_AndADuplicateIsAcknowledgedOnceOnly()
    {
        IInbox inbox = factory.OpenInbox();
        Guid[] ids = [.. Enumerable.Range(0, 400).Select(static _ => Guid.NewGuid())];

        // Two racers per id and consumer: in the same group transaction or in consecutive ones, exactly one wins.
        bool[][] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var won = new bool[ids.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                won[i] = await inbox.MarkProcessedAsync("consumer-" + (worker % 4), ids[i]);
            }

            return won;
        })));

        for (int consumer = 0; consumer < 4; consumer++)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                Assert.Equal(1, (results[consumer][i] ? 1 : 0) + (results[consumer + 4][i] ? 1 : 0));
                Assert.True(await inbox.HasProcessedAsync("consumer-" + consumer, ids[i]));
            }
        }
    }

    [Fact]
    public async Task Purge_ForgetsOnlyIdsRecordedBeforeTheCutOff()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        IInbox inbox = factory.OpenInbox(clock);
        Guid old = Guid.NewGuid();
        Guid recent = Guid.NewGuid();
        await inbox.MarkProcessedAsync(Consumer, old);
        clock.Advance(TimeSpan.FromDays(20));
        await inbox.MarkProcessedAsync(Consumer, recent);

        Assert.Equal(1, await inbox.PurgeAsync(clock.GetUtcNow() - TimeSpan.FromDays(10)));

        Assert.False(await inbox.HasProcessedAsync(Consumer, old));
        Assert.True(await inbox.HasProcessedAsync(Consumer, recent));
    }

    [Fact]
    public async Task Purge_OfMoreRowsThanOneChunk_RemovesThemAll()
    {
        IInbox inbox = factory.OpenInbox();
        Guid[] ids = [.. Enumerable.Range(0, 10_000).Select(static _ => Guid.NewGuid())];
        await Task.WhenAll(ids.Select(id => inbox.MarkProcessedAsync(Consumer, id).AsTask()));

        Assert.Equal(10_000, await inbox.PurgeAsync(DateTimeOffset.MaxValue));
        Assert.False(await inbox.HasProcessedAsync(Consumer, ids[0]));
        Assert.False(await inbox.HasProcessedAsync(Consumer, ids[^1]));
    }

    [Fact]
    public async Task Disposed_RefusesMarks()
    {
        IInbox inbox = factory.OpenInbox();
        await ReliabilityStoreFactory.CloseAsync(inbox);

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await inbox.MarkProcessedAsync(Consumer, Guid.NewGuid()));
    }
}
