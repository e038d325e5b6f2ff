namespace EventDriven.Sagas;

/// <summary>
/// A saga store that can commit a step's new state and the events the step publishes in <b>one</b> transaction (the store's event
/// store lives in the same database: SQLite's <c>SqliteSagaStore</c>). With <see cref="SagaDurability.AwaitCommit"/> the runtime
/// saves each step that publishes through it, so a crash never separates a step's state from its events: either both are there
/// (the events then reach the bus, and through its outbox the other services) or neither (the redelivered trigger runs the step).
/// </summary>
public interface IAtomicSagaStore : ISagaStore
{
    /// <summary>
    /// Saves <paramref name="record"/> (optimistic: <see cref="SagaConcurrencyException"/> when the stored revision is not
    /// <paramref name="expectedRevision"/>) and appends <paramref name="events"/> in one transaction; completes when it is durable.
    /// Appending is idempotent by event id, as the event store's is: the bus storing the same events again after this keeps one copy.
    /// </summary>
    ValueTask SaveWithEventsAsync(SagaRecord record, long expectedRevision, IReadOnlyList<SagaStepEvent> events, CancellationToken cancellationToken = default);
}
