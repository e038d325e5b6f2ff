using EventDriven.Outbox;

namespace EventDriven.RabbitMQ;

/// <summary>The broker answered a publish with a return (unroutable) or a nack: the relay defers the message (and its partition key) and tries it again later; the rest of the outbox goes on.</summary>
public sealed class RabbitMqPublishRefusedException : OutboxMessageRefusedException
{
    /// <summary>Creates the exception for <paramref name="message"/>.</summary>
    public RabbitMqPublishRefusedException(OutboxMessage message, string reason, Exception inner)
        : base($"Event {message.EventId} ('{message.EventType}') was not accepted by RabbitMQ: {reason}.", inner)
    {
        ArgumentNullException.ThrowIfNull(message);
        EventId = message.EventId;
        EventType = message.EventType;
    }

    /// <summary>The event's id.</summary>
    public Guid EventId { get; }

    /// <summary>The event's stable type name (the routing key).</summary>
    public string EventType { get; }
}
