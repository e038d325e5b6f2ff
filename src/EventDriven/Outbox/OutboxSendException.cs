namespace EventDriven.Outbox;

/// <summary>The broker did not confirm an outbox message; it stays in the outbox and is sent again after a back-off.</summary>
public sealed class OutboxSendException : Exception
{
    /// <summary>Creates the exception for <paramref name="message"/>, the first one of its batch that was not confirmed.</summary>
    public OutboxSendException(OutboxMessage message, Exception? reason)
        : base($"Outbox message {message.Sequence} (event {message.EventId}, '{message.EventType}', partition '{message.PartitionKey}') was not confirmed by the broker and stays in the outbox: {reason?.Message ?? "the transport confirmed less than the whole batch and gave no reason."}", reason)
    {
        Sequence = message.Sequence;
        EventId = message.EventId;
        EventType = message.EventType;
    }

    /// <summary>The message's place in the outbox.</summary>
    public long Sequence { get; }

    /// <summary>The event's id.</summary>
    public Guid EventId { get; }

    /// <summary>The event's stable type name.</summary>
    public string EventType { get; }
}
