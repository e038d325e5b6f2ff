namespace EventDriven;

/// <summary>
/// Which event the current handler is handling, and where that event came from. Read <see cref="Current"/> inside a handler
/// (ring-buffer mode): an event the handler publishes records <see cref="EventId"/> as its causation id and inherits
/// <see cref="CorrelationId"/>, so a chain of events (OrderSubmitted → PaymentProcessed → OrderFulfilled) shares one correlation id.
/// </summary>
/// <remarks>
/// Nothing is computed per event: the consumer thread only remembers which slot it is dispatching, and <see cref="Current"/> reads
/// the ids from that slot when asked. It is therefore visible to the synchronous part of a handler on the consumer thread; a handler
/// that publishes after an <c>await</c> should read <see cref="Current"/> before awaiting if it needs the ids (the bus links such
/// publishes only when they happen synchronously).
/// </remarks>
public readonly record struct EventContext(Guid EventId, Guid CorrelationId, Guid CausationId)
{
    /// <summary>The event being handled on this thread, or <c>default</c> outside a ring consumer's handler.</summary>
    public static EventContext Current => Ring.DispatchStage.CurrentContext();

    /// <summary>True inside a handler run by a ring consumer.</summary>
    public bool IsActive => EventId != Guid.Empty;
}
