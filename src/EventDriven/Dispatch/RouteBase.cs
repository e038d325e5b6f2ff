using EventDriven.Reliability;
using EventDriven.Ring;

namespace EventDriven.Dispatch;

/// <summary>The type-erased face of <see cref="EventRoute{TEvent}"/>: a ring slot holds one, and the consumer calls it without knowing the event type.</summary>
internal abstract class RouteBase
{
    /// <summary>Creates the route of <paramref name="eventType"/>, tagged <paramref name="eventTypeName"/> in metrics and spans.</summary>
    protected RouteBase(Type eventType, string eventTypeName)
    {
        EventType = eventType;
        EventTypeName = eventTypeName;
    }

    /// <summary>The event type this route carries.</summary>
    public Type EventType { get; }

    /// <summary>The metrics and span tag of the event type: its stable <see cref="IEvent.EventType"/> name, else its full CLR name (known without an instance at hand). A field, not a virtual property: the publish path reads it.</summary>
    public string EventTypeName { get; }

    /// <summary>What publishing does when the ring is full, for this event type.</summary>
    public BackpressureMode Backpressure { get; protected set; }

    /// <summary>Applies the per-event-type settings of <paramref name="options"/>.</summary>
    public abstract void Configure(EventDrivenOptions options);

    /// <summary>Dispatches the event in slot <paramref name="sequence"/> of <paramref name="ring"/> (read with its type known, so a struct is not boxed).</summary>
    public abstract ValueTask Dispatch(EventRing ring, long sequence, CancellationToken abort);

    /// <summary>The <see cref="IEvent.Id"/> of the event in slot <paramref name="sequence"/> (still there while it is being dispatched).</summary>
    public abstract Guid ReadEventId(EventRing ring, long sequence);

    /// <summary>The event in slot <paramref name="sequence"/>, as <see cref="IEvent"/> (a struct event is boxed: only the store stage asks, because <see cref="Store.IEventStore"/> takes events as <see cref="IEvent"/>).</summary>
    public abstract IEvent ReadEvent(EventRing ring, long sequence);

    /// <summary>Hands a received event, typed only as <see cref="IEvent"/>, to <paramref name="bus"/> as this route's event type.</summary>
    public abstract ValueTask ReceiveAsync(EventBus bus, IEvent @event, Transport.ReceivedEventContext context, CancellationToken cancellationToken);

    /// <summary>Switches the route to ring-buffer failure handling (retry, then dead letter).</summary>
    public abstract void UseFailurePolicy(HandlerFailurePolicy policy);

    /// <summary>The generated handlers declared for exactly this event type (merged over assemblies), without inherited ones or subscribers.</summary>
    public abstract IReadOnlyList<HandlerDescriptor> OwnHandlers { get; }

    /// <summary>Runs own handler <paramref name="handlerIndex"/> for <paramref name="event"/>, an instance of this route's type or of a type derived from it.</summary>
    public abstract ValueTask InvokeOwnAsync(int handlerIndex, object @event, CancellationToken cancellationToken);

    /// <summary>Publishes <paramref name="event"/>, held as a base type by the caller, on <paramref name="bus"/> as this route's event type.</summary>
    public abstract ValueTask PublishAsync(EventBus bus, IEvent @event, CancellationToken cancellationToken);

    /// <summary>Adds the generated handlers of <paramref name="inherited"/> (routes of base types, most specific first); before the route is published.</summary>
    public abstract void Inherit(IReadOnlyList<RouteBase> inherited);
}
