namespace EventDriven;

/// <summary>The ring was full and <see cref="BackpressureMode.FailFast"/> is in force: the event was not published.</summary>
public sealed class RingBufferFullException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public RingBufferFullException(string eventType, int capacity, int partition)
        : base($"The ring buffer (partition {partition}, capacity {capacity}) is full, so event '{eventType}' was not published (BackpressureMode.FailFast). The consumer is a whole ring behind: make handlers faster, raise RingBufferCapacity, or use BackpressureMode.Wait.")
    {
        EventType = eventType;
        Capacity = capacity;
        Partition = partition;
    }

    /// <summary>The <see cref="IEvent.EventType"/> that was rejected.</summary>
    public string EventType { get; }

    /// <summary>The capacity of the full ring.</summary>
    public int Capacity { get; }

    /// <summary>The partition whose ring was full.</summary>
    public int Partition { get; }
}
