namespace EventDriven;

/// <summary>What publishing does when the ring is full (the consumer is a whole ring behind). An unconsumed slot is never overwritten.</summary>
public enum BackpressureMode
{
    /// <summary>Wait for space: spin briefly, then yield, then await a signal from the consumer (no core is burnt). The default.</summary>
    Wait,

    /// <summary>Throw <see cref="RingBufferFullException"/> at once; the event is not published.</summary>
    FailFast,

    /// <summary>Discard the event and count it in the <c>eventdriven.events.dropped</c> metric. Only for events that may be lost, such as telemetry samples.</summary>
    Drop,
}
