using EventDriven.Sagas;

namespace EventDriven.Tests.Sagas;

public sealed class SagaConcurrencyTests
{
    [Fact]
    public async Task DifferentCorrelationIds_InParallel_DoNotInterfere()
    {
        var store = new InMemorySagaStore();
        var bus = new RecordingBus();
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(store, bus);
        Guid[] orders = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();

        // Each order's events in order on its own task; even orders complete, odd ones compensate.
        await Task.WhenAll(orders.Select((order, i) => Task.Run(async () =>
        {
            await runtime.HandleAsync(new OrderOpened(order, i));
            await runtime.HandleAsync(new StockReserved(order));
            await runtime.HandleAsync(new CardCharged(order));
            if (i % 2 == 0)
            {
                await runtime.HandleAsync(new OrderShipped(order));
            }
            else
            {
                await runtime.HandleAsync(new ChargeDeclined(order));
            }
        })));

        for (int i = 0; i < orders.Length; i++)
        {
            SagaSnapshot<TestSagaState>? saga = await runtime.GetAsync(orders[i]);
            Assert.Equal(i % 2 == 0 ? SagaStatus.Completed : SagaStatus.Compensated, saga!.Status);
            Assert.Equal(i, saga.State.Amount);
            Assert.Equal(4, saga.State.Seen.Count);
            IEnumerable<string> undone = bus.OfType<StepUndone>().Where(u => u.OrderId == orders[i]).Select(u => u.Step);
            Assert.Equal(i % 2 == 0 ? [] : ["CardCharged", "StockReserved", "OrderOpened"], undone);
        }

        Assert.Equal(new SagaCounts(200, 800, 100, 100, 0, 300, 0, 0, 0, 0), runtime.Counts);
    }

    [Fact]
    public async Task OneCorrelationId_RedeliveredConcurrently_IsHandledOncePerEventId()
    {
        var store = new InMemorySagaStore();
        var bus = new RecordingBus();
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(store, bus);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 1m));
        var reserved = new StockReserved(order);
        var declined = new ChargeDeclined(order);
        await runtime.HandleAsync(reserved);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            await runtime.HandleAsync(reserved);
            await runtime.HandleAsync(declined);
        })));

        Assert.Equal(["StockReserved", "OrderOpened"], bus.OfType<StepUndone>().Select(u => u.Step));
        Assert.Single(bus.OfType<OrderAborted>());
        Assert.Equal(1, runtime.Counts.Compensated);
    }
    [Fact]
    public async Task AWriteBehindSaveFailing_WhileAnEventRuns_DoesNotLetARedeliveryRunBesideIt()
    {
        var store = new ManualWriteBehindStore();
        var bus = new RecordingBus();
        var release = new TaskCompletionSource();
        int stockUndos = 0;
        SagaDefinition<TestSagaState> definition = new SagaDefinition<TestSagaState>("TestSaga")
            .StartsWith<OrderOpened>(e => e.OrderId, (s, e, ctx) =>
            {
                s.OrderId = e.OrderId;
                return ValueTask.CompletedTask;
            }, compensate: (s, ctx) => ctx.PublishAsync(new StepUndone(s.OrderId, "OrderOpened") { Id = ctx.DeriveId("undo/OrderOpened") }))
            .Step<StockReserved>(e => e.OrderId, (s, e, ctx) => ValueTask.CompletedTask, compensate: async (s, ctx) =>
            {
                if (Interlocked.Increment(ref stockUndos) == 1)
                {
                    await release.Task; // the first compensation holds the instance's lock until the test lets it go
                }

                await ctx.PublishAsync(new StepUndone(s.OrderId, "StockReserved") { Id = ctx.DeriveId("undo/StockReserved") });
            })
            .CompensateOn<ChargeDeclined>(e => e.OrderId);
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(store, bus, definition: definition);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 1m));
        await runtime.HandleAsync(new StockReserved(order));
        var declined = new ChargeDeclined(order);

        Task first = runtime.HandleAsync(declined).AsTask(); // compensating, lock held
        Assert.False(first.IsCompleted);
        store.FailAtCommit(revision: 2); // the write-behind save of StockReserved fails at commit meanwhile
        Task redelivered = runtime.HandleAsync(declined).AsTask(); // the same event again: must wait for the lock, then be ignored
        release.SetResult();
        await first;
        await redelivered;

        Assert.Single(bus.OfType<StepUndone>(), u => u.Step == "OrderOpened");
        Assert.Single(bus.OfType<StepUndone>(), u => u.Step == "StockReserved");
        Assert.Equal(1, runtime.Counts.Compensated);
    }

    /// <summary>A write-behind store whose saves are visible at once and whose commits the test fails by hand.</summary>
    private sealed class ManualWriteBehindStore : ISagaStore
    {
        private readonly InMemorySagaStore _committed = new();
        private readonly Dictionary<string, SagaRecord> _latest = [];
        private readonly List<(SagaRecord Record, Action<SagaRecord, Exception> OnFailure)> _saves = [];

        public ValueTask<SagaRecord?> LoadAsync(string sagaType, string correlationId, CancellationToken cancellationToken = default)
        {
            lock (_latest)
            {
                return new(_latest.GetValueOrDefault(correlationId));
            }
        }

        public ValueTask SaveAsync(SagaRecord record, long expectedRevision, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public void SaveInBackground(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception> onFailure)
        {
            lock (_latest)
            {
                _latest[record.CorrelationId] = record;
                _saves.Add((record, onFailure));
            }
        }

        /// <summary>The save of <paramref name="revision"/> did not commit: loads see the revision before it again, and the saver is told.</summary>
        public void FailAtCommit(long revision)
        {
            (SagaRecord Record, Action<SagaRecord, Exception> OnFailure) failed;
            lock (_latest)
            {
                failed = _saves.Single(s => s.Record.Revision == revision);
                _latest[failed.Record.CorrelationId] = _saves.Single(s => s.Record.Revision == revision - 1 && s.Record.CorrelationId == failed.Record.CorrelationId).Record;
            }

            failed.OnFailure(failed.Record, new IOException("disk I/O error (simulated)"));
        }

        public ValueTask<IReadOnlyList<SagaRecord>> ListOpenAsync(string sagaType, CancellationToken cancellationToken = default) => _committed.ListOpenAsync(sagaType, cancellationToken);

        public ValueTask<IReadOnlyList<SagaRecord>> GetDueTimeoutsAsync(string sagaType, DateTimeOffset dueBy, int max, CancellationToken cancellationToken = default)
            => _committed.GetDueTimeoutsAsync(sagaType, dueBy, max, cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
