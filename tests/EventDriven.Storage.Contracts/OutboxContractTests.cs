using EventDriven.Outbox;
using EventDriven.Store;

namespace EventDriven.Storage.Contracts;

/// <summary>
/// The transactional outbox of every durable backend: a row exactly when the append (or unit of work) committed, relayed in commit
/// order, removed only once confirmed, nothing lost when the broker confirms part of a batch or fails, and the relay woken by commits.
/// </summary>
public abstract class OutboxContractTests(OutboxStoreFactory factory) : IAsyncLifetime
{
    private static readonly OutboxOptions s_itemsLeave = new OutboxOptions { PollInterval = TimeSpan.FromHours(1) }.Include("ItemAdded");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task ASagaStepsStateAndEvents_CommitTogether_WithTheirOutboxRows_AndAStaleRevisionWritesNeither()
    {
        IEventStore store = factory.OpenStore(s_itemsLeave);
        IOutboxSource outbox = factory.OpenOutbox(s_itemsLeave);
        EventDriven.Sagas.IAtomicSagaStore sagas = factory.OpenSagaStore(s_itemsLeave);
        var added = new ItemAdded("cart-7", "sku-1", 1);
        var step = new EventDriven.Sagas.SagaRecord("Checkout", "cart-7", 1, EventDriven.Sagas.SagaStatus.Running, "{}"u8.ToArray(), null, DateTimeOffset.UnixEpoch);

        await sagas.SaveWithEventsAsync(step, 0, [new EventDriven.Sagas.SagaStepEvent("cart-7", new EventToAppend(added))]);
        await Assert.ThrowsAsync<EventDriven.Sagas.SagaConcurrencyException>(async () =>
            await sagas.SaveWithEventsAsync(step, 0, [new EventDriven.Sagas.SagaStepEvent("cart-7", new EventToAppend(new ItemAdded("cart-7", "sku-2", 1)))]));

        Assert.Equal(1, (await sagas.LoadAsync("Checkout", "cart-7"))!.Revision);
        Assert.Equal([added.Id], (await StoreRead.AllAsync(store.ReadAllAsync())).Select(static e => e.EventId));
        Assert.Equal(added.Id, Assert.Single(await outbox.ClaimAsync(10, default)).EventId);
    }

    [Fact]
    public async Task Append_OfAnIncludedType_WritesOneRowWithTheEventAsStored_AndOtherTypesNone()
    {
        IEventStore store = factory.OpenStore(s_itemsLeave);
        IOutboxSource outbox = factory.OpenOutbox(s_itemsLeave);
        var added = new ItemAdded("cart-1", "sku-1", 2);
        Guid cause = Guid.NewGuid();
        await store.AppendAsync("cart-1", [new EventToAppend(added, cause, cause)], ExpectedVersion.NoStream);
        await store.AppendAsync("cart-1", [new EventToAppend(new CartCheckedOut("cart-1", 10m))], ExpectedVersion.Exactly(0));

        OutboxMessage message = Assert.Single(await outbox.ClaimAsync(10, default));
        Assert.Equal(added.Id, message.EventId);
        Assert.Equal("ItemAdded", message.EventType);
        Assert.Equal(1, message.SchemaVersion);
        Assert.Equal("cart-1", message.PartitionKey);
        Assert.Equal(cause, message.CausationId);
        Assert.Equal(cause, message.CorrelationId);
        Assert.Equal(added.OccurredAt, message.OccurredAt);
        IEvent read = store.Serializer.Deserialize(new StoredEvent(1, "cart-1", 0, message.EventId, message.EventType, message.SchemaVersion, message.OccurredAt, null, null, null, message.Payload));
        Assert.Equal(added, read);
        Assert.Equal(1, await outbox.CountPendingAsync(default));
    }

    [Fact]
    public async Task RetriedAppend_WithIdsAlreadyStored_WritesNoSecondRow()
    {
        IEventStore store = factory.OpenStore(s_itemsLeave);
        IOutboxSource outbox = factory.OpenOutbox(s_itemsLeave);
        var first = new ItemAdded("cart-1", "a", 1);
        var second = new ItemAdded("cart-1", "b", 1);
        await store.AppendAsync("cart-1", [new EventToAppend(first)], ExpectedVersion.Any);
        AppendResult retry = await store.AppendAsync("cart-1", [new EventToAppend(first), new EventToAppend(second)], ExpectedVersion.Any);

        Assert.Equal([first.Id], retry.Duplicates);
        IReadOnlyList<OutboxMessage> rows = await outbox.ClaimAsync(10, default);
        Assert.Equal([first.Id, second.Id], rows.Select(static m => m.EventId));
    }

    [Fact]
    public async Task UnitOfWork_ThatFails_LeavesNothingInTheOutbox_AndOneThatCommits_LeavesTheAppendAndTheSend()
    {
        IEventStore store = factory.OpenStore(s_itemsLeave);
        IOutboxSource outbox = factory.OpenOutbox(s_itemsLeave);
        await Assert.ThrowsAnyAsync<Exception>(() => factory.CommitUnitAsync(store, "cart-1", new ItemAdded("cart-1", "rolled back", 1), new CartCheckedOut("cart-1", 1m), fail: true));
        Assert.Equal(0, await outbox.CountPendingAsync(default));
        Assert.Equal(-1, await store.GetStreamVersionAsync("cart-1"));

        var appended = new ItemAdded("cart-1", "kept", 1);
        var sent = new CartCheckedOut("cart-1", 5m);
        await factory.CommitUnitAsync(store, "cart-1", appended, sent, fail: false);

        IReadOnlyList<OutboxMessage> rows = await outbox.ClaimAsync(10, default);
        Assert.Equal([appended.Id, sent.Id], rows.Select(static m => m.EventId));
        Assert.Equal(["ItemAdded", "CartCheckedOut"], rows.Select(static m => m.EventType));
        Assert.All(rows, static m => Assert.Equal("cart-1", m.PartitionKey));
        Assert.Equal(0, await store.GetStreamVersionAsync("cart-1"));
    }

    [Fact]
    public async Task Relay_SendsEverythingInCommitOrder_InBatches_AndEmptiesTheOutbox()
    {
        IEventStore store = factory.OpenStore(s_itemsLeave);
        IOutboxSource outbox = factory.OpenOutbox(s_itemsLeave);
        List<Guid> committed = await AppendManyAsync(store, streams: 10, perStream: 30);
        var transport = new RecordingOutboxTransport();
        var relay = new OutboxRelay(outbox, transport, new OutboxOptions { BatchSize = 64 });

        while (await relay.RelayOnceAsync(default))
        {
        }

        Assert.Equal(committed, transport.Received.Select(static m => m.EventId));
        Assert.Equal(5, transport.Batches); // 300 = 4 × 64 + 44
        Assert.Equal(300, relay.Sent);
        Assert.Equal(0, await outbox.CountPendingAsync(default));
        AssertSequencesRise(transport.Received);
    }

    [Fact]
    public async Task Relay_WhenTheBrokerConfirmsPartOfABatch_OrFails_LosesNothing_AndResendsFromTheFirstUnconfirmed()
    {
        IEventStore store = factory.OpenStore(s_itemsLeave);
        IOutboxSource outbox = factory.OpenOutbox(s_itemsLeave);
        List<Guid> committed = await AppendManyAsync(store, streams: 3, perStream: 20);
        var transport = new RecordingOutboxTransport
        {
            // Batch 0: 7 of 16 confirmed. Batch 1: the broker is unreachable. Batch 2: 15 of 16. Then everything.
            Script = static (number, batch) => number switch
            {
                0 => new OutboxSendResult(7, new InvalidOperationException("nacked")),
                1 => throw new IOException("connection refused"),
                2 => new OutboxSendResult(batch.Count - 1, new InvalidOperationException("returned: unroutable")),
                _ => new OutboxSendResult(batch.Count, null),
            },
        };
        var relay = new OutboxRelay(outbox, transport, new OutboxOptions { BatchSize = 16 });

        var failures = new List<Exception>();
        while (true)
        {
            try
            {
                if (!await relay.RelayOnceAsync(default))
                {
                    break;
                }
            }
            catch (OutboxSendException exception)
            {
                failures.Add(exception);
            }
        }

        Assert.Equal(3, failures.Count);
        Assert.Equal(0, await outbox.CountPendingAsync(default));
        Assert.Equal(60, relay.Sent);

        // Each event's first arrival is in commit order, and every event arrived; the copies are the unconfirmed ones resent.
        List<Guid> firstArrivals = transport.Received.Select(static m => m.EventId).Distinct().ToList();
        Assert.Equal(committed, firstArrivals);
        Assert.Equal(60 + (16 - 7) + 16 + 1, transport.Received.Count);
    }

    [Fact]
    public async Task AMessageTheBrokerRefuses_HoldsBackOnlyItsKey_WhileTheRestFlows_AndGoesOutInOrderWhenRetried()
    {
        IEventStore store = factory.OpenStore(s_itemsLeave);
        IOutboxSource outbox = factory.OpenOutbox(s_itemsLeave);
        List<Guid> committed = await AppendManyAsync(store, streams: 3, perStream: 5);
        bool refusing = true;
        var transport = new RecordingOutboxTransport
        {
            // "cart-0" has no queue bound yet: the broker returns its first message of each batch.
            Script = (_, batch) =>
            {
                int first = refusing ? batch.ToList().FindIndex(static m => m.PartitionKey == "cart-0") : -1;
                return first < 0 ? new OutboxSendResult(batch.Count, null) : new OutboxSendResult(first, new OutboxMessageRefusedException("unroutable: no queue bound"));
            },
        };
        var relay = new OutboxRelay(outbox, transport, new OutboxOptions { BatchSize = 4, MinRetryDelay = TimeSpan.FromHours(1), MaxRetryDelay = TimeSpan.FromHours(1) });

        while (await relay.RelayOnceAsync(default))
        {
        }

        // Every other key went out, in order; cart-0 waits whole (its later messages too), deferred once.
        Assert.Equal(1, relay.Deferred);
        Assert.Equal(0, relay.Failures);
        Assert.Equal(StreamOrder(committed, transport.Confirmed, "cart-1"), PerStream(transport.Confirmed, "cart-1"));
        Assert.Equal(5, PerStream(transport.Confirmed, "cart-1").Count);
        Assert.Equal(5, PerStream(transport.Confirmed, "cart-2").Count);
        Assert.Empty(PerStream(transport.Confirmed, "cart-0"));
        Assert.Equal(5, await outbox.CountPendingAsync(default));

        refusing = false;
        Assert.Equal(1, await outbox.RetryDeferredNowAsync(default));
        int before = transport.Confirmed.Count;
        while (await relay.RelayOnceAsync(default))
        {
        }

        IReadOnlyList<OutboxMessage> retried = [.. transport.Confirmed.Skip(before)];
        Assert.Equal(committed.Where((_, i) => i % 3 == 0), retried.Select(static m => m.EventId));
        Assert.Equal(1, retried[0].Attempts);
        Assert.Equal(0, await outbox.CountPendingAsync(default));
    }

    [Fact]
    public async Task Relay_IsWokenByTheCommit_NotByItsPollInterval()
    {
        IEventStore store = factory.OpenStore(s_itemsLeave);
        IOutboxSource outbox = factory.OpenOutbox(s_itemsLeave);
        var transport = new RecordingOutboxTransport();
        var observed = new WaitObservingSource(outbox);
        var relay = new OutboxRelay(observed, transport, new OutboxOptions { PollInterval = TimeSpan.FromHours(1) });
        using var stop = new CancellationTokenSource();
        Task running = relay.RunAsync(stop.Token);

        // The relay found nothing and sleeps for an hour unless the commit wakes it.
        await observed.Waiting.WaitAsync(TimeSpan.FromMinutes(2));
        var added = new ItemAdded("cart-1", "wake", 1);
        await store.AppendAsync("cart-1", [new EventToAppend(added)], ExpectedVersion.Any);

        await transport.WaitForAsync(1).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(added.Id, Assert.Single(transport.Received).EventId);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task WhatWasNotSent_IsStillThereForTheNextRelay()
    {
        IEventStore store = factory.OpenStore(s_itemsLeave);
        List<Guid> committed = await AppendManyAsync(store, streams: 2, perStream: 5);
        IOutboxSource first = factory.OpenOutbox(s_itemsLeave);
        var transport = new RecordingOutboxTransport { Script = static (_, _) => new OutboxSendResult(4, new InvalidOperationException("lost connection")) };
        await Assert.ThrowsAsync<OutboxSendException>(() => new OutboxRelay(first, transport, new OutboxOptions { BatchSize = 6 }).RelayOnceAsync(default));
        await ReliabilityStoreFactory.CloseAsync(first);

        IOutboxSource next = factory.OpenOutbox(s_itemsLeave);
        Assert.Equal(committed.Skip(4), (await next.ClaimAsync(100, default)).Select(static m => m.EventId));
    }

    private static async Task<List<Guid>> AppendManyAsync(IEventStore store, int streams, int perStream)
    {
        var committed = new List<Guid>();
        for (int i = 0; i < perStream; i++)
        {
            for (int s = 0; s < streams; s++)
            {
                var added = new ItemAdded($"cart-{s}", $"sku-{i}", 1);
                await store.AppendAsync(added.StreamId, [new EventToAppend(added)], ExpectedVersion.Any);
                committed.Add(added.Id);
            }
        }

        return committed;
    }

    private static List<Guid> PerStream(IReadOnlyList<OutboxMessage> messages, string stream)
        => [.. messages.Where(m => m.PartitionKey == stream).Select(static m => m.EventId)];

    private static List<Guid> StreamOrder(List<Guid> committed, IReadOnlyList<OutboxMessage> messages, string stream)
    {
        HashSet<Guid> ofStream = [.. PerStream(messages, stream)];
        return [.. committed.Where(ofStream.Contains)];
    }

    private static void AssertSequencesRise(IReadOnlyList<OutboxMessage> messages)
    {
        for (int i = 1; i < messages.Count; i++)
        {
            Assert.True(messages[i].Sequence > messages[i - 1].Sequence, $"message {i} has sequence {messages[i].Sequence} after {messages[i - 1].Sequence}");
        }
    }

    /// <summary>Says when the relay went to sleep, so the test commits only then.</summary>
    private sealed class WaitObservingSource(IOutboxSource inner) : IOutboxSource
    {
        private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Waiting => _waiting.Task;

        public ValueTask<IReadOnlyList<OutboxMessage>> ClaimAsync(int max, CancellationToken cancellationToken) => inner.ClaimAsync(max, cancellationToken);

        public ValueTask MarkSentAsync(IReadOnlyList<OutboxMessage> batch, int count, CancellationToken cancellationToken) => inner.MarkSentAsync(batch, count, cancellationToken);

        public ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            ValueTask wait = inner.WaitAsync(timeout, cancellationToken);
            _waiting.TrySetResult();
            return wait;
        }

        public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);

        public ValueTask DeferAsync(OutboxMessage message, TimeSpan delay, string reason, CancellationToken cancellationToken) => inner.DeferAsync(message, delay, reason, cancellationToken);

        public ValueTask<int> RetryDeferredNowAsync(CancellationToken cancellationToken) => inner.RetryDeferredNowAsync(cancellationToken);

        public ValueTask DisposeAsync() => default;
    }
}
