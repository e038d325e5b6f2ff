using EventDriven.Sagas;

namespace EventDriven.Tests.Sagas;

/// <summary>With <see cref="SagaDurability.AwaitCommit"/> and a store that can, a step's state and its events are saved together.</summary>
public sealed class SagaAtomicSaveTests
{
    [Fact]
    public async Task AwaitCommit_SavesAStepThatPublishes_WithItsEvents_AndOneThatPublishesNothing_Alone()
    {
        var store = new AtomicStore();
        var bus = new RecordingBus();
        await using var runtime = TestSaga.CreateRuntime(store, bus, configure: o => o.Durability = SagaDurability.AwaitCommit);
        Guid order = Guid.NewGuid();

        await runtime.HandleAsync(new OrderOpened(order, 5m)); // publishes ReserveStock
        await runtime.HandleAsync(new StockReserved(order)); // publishes nothing

        (SagaRecord record, IReadOnlyList<SagaStepEvent> events) = Assert.Single(store.Atomic);
        Assert.Equal(1, record.Revision);
        SagaStepEvent reserve = Assert.Single(events);
        ReserveStock published = Assert.Single(bus.OfType<ReserveStock>());
        Assert.Same(published, reserve.Event.Event); // the same event the bus then publishes (same id: the store keeps one copy)
        Assert.Equal("$type-" + published.EventType, reserve.StreamId); // the bus's default stream for an event without one
        Assert.Equal(2, (await store.LoadAsync("TestSaga", order.ToString("D")))!.Revision);
    }

    /// <summary>An in-memory store that records the saves made with events.</summary>
    private sealed class AtomicStore : IAtomicSagaStore
    {
        private readonly InMemorySagaStore _inner = new();

        public List<(SagaRecord Record, IReadOnlyList<SagaStepEvent> Events)> Atomic { get; } = [];

        public async ValueTask SaveWithEventsAsync(SagaRecord record, long expectedRevision, IReadOnlyList<SagaStepEvent> events, CancellationToken cancellationToken = default)
        {
            await _inner.SaveAsync(record, expectedRevision, cancellationToken);
            Atomic.Add((record, events));
        }

        public ValueTask<SagaRecord?> LoadAsync(string sagaType, string correlationId, CancellationToken cancellationToken = default) => _inner.LoadAsync(sagaType, correlationId, cancellationToken);

        public ValueTask SaveAsync(SagaRecord record, long expectedRevision, CancellationToken cancellationToken = default) => _inner.SaveAsync(record, expectedRevision, cancellationToken);

        public void SaveInBackground(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception> onFailure) => _inner.SaveInBackground(record, expectedRevision, onFailure);

        public ValueTask<IReadOnlyList<SagaRecord>> ListOpenAsync(string sagaType, CancellationToken cancellationToken = default) => _inner.ListOpenAsync(sagaType, cancellationToken);

        public ValueTask<IReadOnlyList<SagaRecord>> GetDueTimeoutsAsync(string sagaType, DateTimeOffset dueBy, int max, CancellationToken cancellationToken = default) => _inner.GetDueTimeoutsAsync(sagaType, dueBy, max, cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => _inner.FlushAsync(cancellationToken);
    }
}
