namespace EventDriven.Store;

/// <summary>An event's serialized payload is larger than the store accepts. Nothing of the append it was part of was written.</summary>
public sealed class EventTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EventTooLargeException(Guid eventId, string eventType, int size, int limit)
        : base($"Event {eventId} ({eventType}) serializes to {size:N0} bytes, over the store's limit of {limit:N0} bytes. Nothing of this append was written; store large data elsewhere and put a reference in the event, or raise MaxEventSize.")
    {
        EventId = eventId;
        EventType = eventType;
        Size = size;
        Limit = limit;
    }

    /// <summary>The event's id.</summary>
    public Guid EventId { get; }

    /// <summary>The event's type name.</summary>
    public string EventType { get; }

    /// <summary>The payload size in bytes.</summary>
    public int Size { get; }

    /// <summary>The store's limit in bytes.</summary>
    public int Limit { get; }
}
