namespace EventDriven.Reliability;

/// <summary>
/// One dead letter as a durable dead-letter store keeps it (<c>SqliteDeadLetterStore</c>, <c>PostgresDeadLetterStore</c>): the event as stored bytes (read it with
/// <see cref="DeadLetterPayload.ReadEvent"/> or the store's <c>ReadEvent</c>), which handler failed, how, and whether it was re-driven. Listing never reads
/// the event, so a letter whose event cannot be read back is listed like any other.
/// </summary>
/// <param name="Id">The letter's id in the store, increasing, never reused.</param>
/// <param name="EventId">The event's <see cref="IEvent.Id"/>.</param>
/// <param name="EventType">The event's stable type name (<see cref="IEvent.EventType"/>).</param>
/// <param name="SchemaVersion">The schema version of <paramref name="Payload"/>; 0 when the event could not be serialized.</param>
/// <param name="OccurredAt">When the event happened.</param>
/// <param name="Payload">The serialized event; empty when it could not be serialized.</param>
/// <param name="PayloadError">Why the event could not be serialized when it was dead-lettered; null when it was.</param>
/// <param name="HandlerName">The full type name of the handler that failed.</param>
/// <param name="ExceptionType">The full type name of the last attempt's exception.</param>
/// <param name="ExceptionMessage">Its message.</param>
/// <param name="ExceptionDetail">Its <see cref="Exception.ToString"/>: type, message, stack trace and inner exceptions.</param>
/// <param name="Attempts">How many times the handler was called for the event.</param>
/// <param name="FailedAt">When the last attempt failed.</param>
/// <param name="RedrivenAt">When the letter was last re-driven; null while it waits.</param>
/// <param name="RedriveCount">How many times it was re-driven.</param>
public sealed record DeadLetterRecord(
    long Id,
    Guid EventId,
    string EventType,
    int SchemaVersion,
    DateTimeOffset OccurredAt,
    ReadOnlyMemory<byte> Payload,
    string? PayloadError,
    string HandlerName,
    string ExceptionType,
    string ExceptionMessage,
    string ExceptionDetail,
    int Attempts,
    DateTimeOffset FailedAt,
    DateTimeOffset? RedrivenAt,
    int RedriveCount);
