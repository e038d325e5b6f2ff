namespace EventDriven;

/// <summary>How the bus hands events to handlers.</summary>
public enum DispatchMode
{
    /// <summary>
    /// Publishing writes the event into a lock-free ring buffer and returns; a consumer loop per partition runs the generated
    /// dispatch table. Ordered per producer and partition, allocation-free, with backpressure when the ring is full. The default.
    /// </summary>
    RingBuffer = 0,

    /// <summary>Handlers run on the publishing thread, through the generated dispatch table; <see cref="IEventBus.PublishAsync{TEvent}"/> completes when they have all run.</summary>
    Inline = 1,
}
