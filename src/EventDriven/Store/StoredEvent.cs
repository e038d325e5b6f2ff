namespace EventDriven.Store;

/// <summary>
/// One row of the event store, exactly as stored. The payload is not deserialized until <see cref="Serialization.IEventSerializer.Deserialize"/>
/// is asked to, so one unreadable row (corrupt, renamed type, newer schema) never stops a reader: it fails alone, with a typed error.
/// </summary>
/// <param name="Position">The global position: dense and increasing across the whole store, from 1. Catch-up readers resume from it.</param>
/// <param name="StreamId">The stream (aggregate id) the event belongs to.</param>
/// <param name="StreamVersion">The event's version within its stream, from 0, without gaps.</param>
/// <param name="EventId">The event's <see cref="IEvent.Id"/>; unique in the store.</param>
/// <param name="EventType">The stable <see cref="IEvent.EventType"/> name, never a CLR type name.</param>
/// <param name="SchemaVersion">The schema version of the payload (see <see cref="EventSchemaVersionAttribute"/>).</param>
/// <param name="OccurredAt">When the event happened.</param>
/// <param name="CausationId">The id of the event that caused this one, if recorded.</param>
/// <param name="CorrelationId">The correlation id of the flow, if recorded.</param>
/// <param name="Metadata">The metadata given at append time, if any.</param>
/// <param name="Payload">The serialized event (UTF-8 JSON with the default serializer).</param>
public sealed record StoredEvent(
    long Position,
    string StreamId,
    long StreamVersion,
    Guid EventId,
    string EventType,
    int SchemaVersion,
    DateTimeOffset OccurredAt,
    Guid? CausationId,
    Guid? CorrelationId,
    string? Metadata,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>
    /// Null for a sound row. Otherwise what the store could not read from this row (for example
    /// <c>event_id: a 3-byte blob is not a GUID</c>); the columns it names hold defaults, and
    /// <see cref="Serialization.IEventSerializer.Deserialize"/> fails for this row alone with a
    /// <see cref="Serialization.CorruptEventRowException"/>. The store still returns the row, so readers go on past it.
    /// </summary>
    public string? Unreadable { get; init; }
}
