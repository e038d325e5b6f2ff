namespace EventDriven.RabbitMQ;

/// <summary>
/// What an event carries on the wire besides its JSON body. Standard AMQP properties: <c>message_id</c> = the event id,
/// <c>type</c> = the stable event type name, <c>correlation_id</c>, <c>timestamp</c> (when it happened), <c>content_type</c>
/// <c>application/json</c>, persistent delivery. Headers below for the rest.
/// </summary>
public static class RabbitMqHeaders
{
    /// <summary>The payload's schema version (an integer).</summary>
    public const string SchemaVersion = "eventdriven-schema-version";

    /// <summary>The id of the event that caused this one.</summary>
    public const string CausationId = "eventdriven-causation-id";

    /// <summary>The key that orders it (by default the stream it was appended to).</summary>
    public const string PartitionKey = "eventdriven-partition-key";

    /// <summary>When it happened, as ISO 8601 with offset (AMQP's timestamp has only seconds).</summary>
    public const string OccurredAt = "eventdriven-occurred-at";

    /// <summary>W3C trace context of the span that published it.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>On a dead-lettered message: why it could not be handled (the error's message).</summary>
    public const string DeadLetterReason = "eventdriven-dead-letter-reason";

    /// <summary>On a dead-lettered message: the error's type, e.g. <c>EventDriven.Serialization.UnknownEventTypeException</c>.</summary>
    public const string DeadLetterError = "eventdriven-dead-letter-error";

    /// <summary>On a dead-lettered message: the endpoint queue it was taken from.</summary>
    public const string DeadLetterQueue = "eventdriven-dead-letter-queue";
}
