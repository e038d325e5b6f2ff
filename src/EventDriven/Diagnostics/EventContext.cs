namespace EventDriven;

/// <summary>
/// Which event the current handler is handling, and where that event came from. Read <see cref="Current"/> inside a handler
/// (ring-buffer mode): an event the handler publishes records <see cref="EventId"/> as its causation id and inherits
/// <see cref="CorrelationId"/>, so a chain of events (OrderSubmitted → PaymentProcessed → OrderFulfilled) shares one correlation id.
/// </summary>
/// <remarks>
/// The context lives in a thread-static field set by the consumer before each event: it costs two writes per event and allocates
/// nothing. It is therefore visible to the synchronous part of a handler; a handler that publishes after an <c>await</c> should read
/// <see cref="Current"/> before awaiting if it needs the ids (the bus links such publishes only when they happen synchronously).
/// </remarks>
public readonly record struct EventContext(Guid EventId, Guid CorrelationId, Guid CausationId)
{
    [ThreadStatic]
    private static EventContext t_current;

    /// <summary>The event being handled on this thread, or <c>default</c> outside a handler.</summary>
    public static EventContext Current => t_current;

    /// <summary>True inside a handler run by a ring consumer.</summary>
    public bool IsActive => EventId != Guid.Empty;

    internal static void Set(in EventContext context) => t_current = context;

    internal static void Clear() => t_current = default;
}
