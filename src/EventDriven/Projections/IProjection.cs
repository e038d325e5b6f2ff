using EventDriven.Store;

namespace EventDriven.Projections;

/// <summary>
/// A read model (a materialized view) built from the stored events in position order, by a <see cref="ProjectionRunner{TWriter}"/>
/// that commits each batch of the projection's writes together with its checkpoint, so after any crash the read model reflects
/// exactly the events up to the checkpoint: none lost, none applied twice.
/// </summary>
/// <typeparam name="TWriter">
/// What the projection writes through, inside the batch's transaction: <c>SqliteProjectionWriter</c> (<c>EventDriven.Sqlite</c>),
/// <c>PostgresProjectionWriter</c> (<c>EventDriven.PostgreSql</c>), or <see cref="InMemoryProjectionWriter"/> for a read model kept in memory.
/// </typeparam>
/// <remarks>
/// <see cref="Apply"/> runs inside the transaction: write only through <typeparamref name="TWriter"/>, synchronously, and never call
/// other services (they are not in the transaction, and a batch that fails is applied again). It must be deterministic: a rebuild
/// applies every event again and must arrive at the same read model.
/// </remarks>
public interface IProjection<in TWriter>
{
    /// <summary>The projection's stable name: its checkpoint is kept under it. Renaming it rebuilds the projection from position 0.</summary>
    string Name { get; }

    /// <summary>Creates what the read model needs (tables, indexes) if it is missing; runs once, before the first batch.</summary>
    void Setup(TWriter writer);

    /// <summary>Applies one event. Events of types the projection does not care about are simply ignored.</summary>
    /// <param name="event">The event, deserialized.</param>
    /// <param name="stored">Its row: position, stream, version, causation.</param>
    /// <param name="writer">The batch's writer.</param>
    void Apply(IEvent @event, StoredEvent stored, TWriter writer);

    /// <summary>Empties the read model, in the same transaction that sets the checkpoint back to 0: the start of a rebuild.</summary>
    void Reset(TWriter writer);
}
