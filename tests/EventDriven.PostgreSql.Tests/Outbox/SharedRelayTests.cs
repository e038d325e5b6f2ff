using EventDriven.Outbox;
using EventDriven.PostgreSql.Tests.Fixtures;
using EventDriven.Store;

namespace EventDriven.PostgreSql.Tests.Outbox;

/// <summary>Several relays over one schema, no leader: they share the partitions, none sends what another sent, and each stream leaves in commit order.</summary>
public sealed class SharedRelayTests
{
    [Fact]
    public async Task ThreeRelays_ShareThePartitions_SendEveryRowOnce_AndKeepEachStreamsOrder()
    {
        var factory = new PostgresOutboxFactory();
        OutboxOptions included = new OutboxOptions { PollInterval = TimeSpan.FromMilliseconds(50) }.Include("ItemAdded");
        PostgresStoreOptions options = factory.Options(included);
        await using var store = new PostgresEventStore(options);
        var log = new SendLog();
        var relays = new List<(PostgresOutbox Outbox, OutboxRelay Relay)>();
        for (int i = 0; i < 3; i++)
        {
            var outbox = new PostgresOutbox(options) { RebalanceInterval = TimeSpan.FromMilliseconds(20) };
            relays.Add((outbox, new OutboxRelay(outbox, new LoggingTransport(log, i), new OutboxOptions { BatchSize = 7, PollInterval = TimeSpan.FromMilliseconds(50) })));
        }

        using var stop = new CancellationTokenSource();
        Task[] running = [.. relays.Select(r => r.Relay.RunAsync(stop.Token))];
        var committed = new List<ItemAdded>();
        for (int n = 0; n < 50; n++)
        {
            for (int s = 0; s < 12; s++)
            {
                var added = new ItemAdded($"cart-{s}", $"sku-{n}", n);
                await store.AppendAsync(added.StreamId, [new EventToAppend(added)], ExpectedVersion.Any);
                committed.Add(added);
            }
        }

        await log.WaitForAsync(committed.Count).WaitAsync(TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await Task.WhenAll(running);

        IReadOnlyList<(int Relay, OutboxMessage Message)> sent = log.Sent;
        Assert.Equal(committed.Count, sent.Count);
        Assert.Equal(committed.Select(static e => e.Id).Order(), sent.Select(static s => s.Message.EventId).Order());
        foreach (IGrouping<string, (int Relay, OutboxMessage Message)> stream in sent.GroupBy(static s => s.Message.PartitionKey))
        {
            Assert.Equal(committed.Where(e => e.StreamId == stream.Key).Select(static e => e.Id), stream.Select(static s => s.Message.EventId));
        }

        Assert.True(sent.Select(static s => s.Relay).Distinct().Count() >= 2, "the work should have been shared by more than one relay");
        Assert.All(relays, r => Assert.True(r.Outbox.OwnedPartitions.Count <= 2, "no relay keeps more than its share of 4 partitions among 3 relays"));
        Assert.Equal(0, await relays[0].Outbox.CountPendingAsync(default));
        foreach ((PostgresOutbox outbox, _) in relays)
        {
            await outbox.DisposeAsync();
        }
    }

    [Fact]
    public async Task WhenARelayGoes_AnotherTakesItsPartitions_AndSendsWhatItLeft()
    {
        var factory = new PostgresOutboxFactory();
        OutboxOptions included = new OutboxOptions().Include("ItemAdded");
        PostgresStoreOptions options = factory.Options(included);
        await using var store = new PostgresEventStore(options);
        var first = new PostgresOutbox(options) { RebalanceInterval = TimeSpan.Zero };
        await using var second = new PostgresOutbox(options) { RebalanceInterval = TimeSpan.Zero };
        Assert.Empty(await first.ClaimAsync(10, default));
        Assert.Empty(await second.ClaimAsync(10, default));
        Assert.Empty(await first.ClaimAsync(10, default)); // sees two relays: gives back half
        Assert.Empty(await second.ClaimAsync(10, default)); // takes what was given back
        Assert.Equal(2, first.OwnedPartitions.Count);
        Assert.Equal(2, second.OwnedPartitions.Count);
        Assert.Empty(first.OwnedPartitions.Intersect(second.OwnedPartitions));

        for (int s = 0; s < 8; s++)
        {
            await store.AppendAsync($"cart-{s}", [new EventToAppend(new ItemAdded($"cart-{s}", "a", 1))], ExpectedVersion.Any);
        }

        await first.DisposeAsync();
        IReadOnlyList<OutboxMessage> everything = await second.ClaimAsync(100, default);
        Assert.Equal(4, second.OwnedPartitions.Count);
        Assert.Equal(8, everything.Count);
    }

    [Fact]
    public async Task TheSchemasPartitionCount_WinsOverAProcessConfiguredOtherwise_SoWritersAndRelaysAgree()
    {
        var factory = new PostgresOutboxFactory();
        OutboxOptions included = new OutboxOptions().Include("ItemAdded");
        PostgresStoreOptions first = factory.Options(included); // creates the outbox with 4 partitions
        await using (var creator = new PostgresEventStore(first))
        {
            await creator.EnsureCreatedAsync();
        }

        PostgresStoreOptions other = factory.Options(included);
        other.OutboxPartitions = 64;
        await using var store = new PostgresEventStore(other);
        await using var relay = new PostgresOutbox(other);
        for (int s = 0; s < 40; s++)
        {
            await store.AppendAsync($"cart-{s}", [new EventToAppend(new ItemAdded($"cart-{s}", "a", 1))], ExpectedVersion.Any);
        }

        // One relay owns every partition of the schema's four, so it claims every row; with 64 it would miss the rows of 4..63.
        Assert.Equal(40, (await relay.ClaimAsync(100, default)).Count);
        Assert.Equal(4, relay.Partitions);
        Assert.Equal(4, relay.OwnedPartitions.Count);
    }

    private sealed class SendLog
    {
        private readonly Lock _gate = new();
        private readonly List<(int, OutboxMessage)> _sent = [];
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

        public IReadOnlyList<(int Relay, OutboxMessage Message)> Sent
        {
            get
            {
                lock (_gate)
                {
                    return [.. _sent];
                }
            }
        }

        public void Add(int relay, IReadOnlyList<OutboxMessage> batch)
        {
            lock (_gate)
            {
                foreach (OutboxMessage message in batch)
                {
                    _sent.Add((relay, message));
                }

                foreach ((int count, TaskCompletionSource reached) in _waiters.Where(w => _sent.Count >= w.Count))
                {
                    reached.TrySetResult();
                }
            }
        }

        public Task WaitForAsync(int count)
        {
            lock (_gate)
            {
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                if (_sent.Count >= count)
                {
                    reached.TrySetResult();
                }

                return reached.Task;
            }
        }
    }

    /// <summary>Confirms everything, logging under one lock so the log's order is the order the relays sent in.</summary>
    private sealed class LoggingTransport(SendLog log, int relay) : IOutboxTransport
    {
        public ValueTask<OutboxSendResult> SendAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken cancellationToken)
        {
            log.Add(relay, batch);
            return new(new OutboxSendResult(batch.Count, null));
        }
    }
}
