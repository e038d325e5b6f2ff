namespace EventDriven;

/// <summary>How the bus hands events to handlers.</summary>
public enum DispatchMode
{
    // 0 is reserved for RingBuffer, which becomes the default when the lock-free ring buffer lands.

    /// <summary>Handlers run on the publishing thread, through the generated dispatch table; <see cref="IEventBus.PublishAsync{TEvent}"/> completes when they have all run.</summary>
    Inline = 1,
}
