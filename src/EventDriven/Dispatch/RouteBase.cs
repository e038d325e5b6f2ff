using EventDriven.Reliability;
using EventDriven.Ring;

namespace EventDriven.Dispatch;

/// <summary>The type-erased face of <see cref="EventRoute{TEvent}"/>: a ring slot holds one, and the consumer calls it without knowing the event type.</summary>
internal abstract class RouteBase
{
    /// <summary>Creates the route of the event type named <paramref name="eventTypeName"/>.</summary>
    protected RouteBase(string eventTypeName) => EventTypeName = eventTypeName;

    /// <summary>The event's CLR type name: the metrics tag (known without an event instance at hand). A field, not a virtual property: the publish path reads it.</summary>
    public string EventTypeName { get; }

    /// <summary>What publishing does when the ring is full, for this event type.</summary>
    public BackpressureMode Backpressure { get; protected set; }

    /// <summary>Applies the per-event-type settings of <paramref name="options"/>.</summary>
    public abstract void Configure(EventDrivenOptions options);

    /// <summary>
    /// Dispatches the events from <paramref name="from"/> on, up to <paramref name="to"/> or the first slot of another route, waiting
    /// for each before the next. Returns the last sequence dispatched (earlier than <paramref name="to"/> if the stop timeout cancelled).
    /// </summary>
    public abstract long DispatchRun(EventProcessor processor, long from, long to, CancellationToken abort);

    /// <summary>The <see cref="IEvent.Id"/> of the event in slot <paramref name="sequence"/> (still there while it is being dispatched).</summary>
    public abstract Guid ReadEventId(EventRing ring, long sequence);

    /// <summary>The event in slot <paramref name="sequence"/>, as <see cref="IEvent"/> (a struct event is boxed: only the store path asks).</summary>
    public abstract IEvent ReadEvent(EventRing ring, long sequence);

    /// <summary>Switches the route to ring-buffer failure handling (retry, then dead letter).</summary>
    public abstract void UseFailurePolicy(HandlerFailurePolicy policy);
}
