namespace EventDriven.Outbox;

/// <summary>
/// One event waiting in a store's outbox table to leave this service: written in the same transaction as the store append (or the
/// unit of work) that produced it, read by the <see cref="OutboxRelay"/>, and removed once the broker confirmed it.
/// </summary>
/// <param name="Sequence">The row's place in the outbox: rows are relayed in this order, which is their commit order.</param>
/// <param name="EventId">The event's <see cref="IEvent.Id"/>; receivers deduplicate redeliveries by it (the inbox).</param>
/// <param name="EventType">The event's stable type name (<see cref="IEvent.EventType"/>): the routing key on the broker.</param>
/// <param name="SchemaVersion">The schema version <paramref name="Payload"/> was written with.</param>
/// <param name="Payload">The serialized event, as the store's serializer wrote it.</param>
/// <param name="PartitionKey">What keeps order: messages of one key (by default the event's stream) leave in <paramref name="Sequence"/> order.</param>
/// <param name="CorrelationId">The business flow the event belongs to, if any.</param>
/// <param name="CausationId">The event whose handler raised this one, if any.</param>
/// <param name="OccurredAt">When the event happened (<see cref="IEvent.OccurredAt"/>).</param>
/// <param name="Attempts">How many times the broker refused it before (0 for a message never refused).</param>
public sealed record OutboxMessage(
    long Sequence,
    Guid EventId,
    string EventType,
    int SchemaVersion,
    byte[] Payload,
    string PartitionKey,
    Guid? CorrelationId,
    Guid? CausationId,
    DateTimeOffset OccurredAt,
    int Attempts = 0);
