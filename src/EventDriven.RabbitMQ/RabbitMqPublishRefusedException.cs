using EventDriven.Outbox;

namespace EventDriven.RabbitMQ;

/// <summary>The broker answered a publish with a return (unroutable) or a nack: the message stays in the outbox and is sent again after a back-off.</summary>
public sealed class RabbitMqPublishRefusedException : Exception
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
