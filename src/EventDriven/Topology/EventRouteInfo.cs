using EventDriven.Dispatch;

namespace EventDriven.Topology;

/// <summary>One event type and the handlers the generator found for it, in run order.</summary>
public sealed class EventRouteInfo
{
    /// <summary>Creates the route description. Called by generated code.</summary>
    /// <param name="eventType">The event's full type name, e.g. <c>Shop.Orders.OrderSubmitted</c>.</param>
    /// <param name="handlers">The handlers in run order.</param>
    public EventRouteInfo(string eventType, IReadOnlyList<HandlerDescriptor> handlers)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        ArgumentNullException.ThrowIfNull(handlers);
        EventType = eventType;
        Handlers = handlers;
    }

    /// <summary>The event's full type name.</summary>
    public string EventType { get; }

    /// <summary>The handlers in run order.</summary>
    public IReadOnlyList<HandlerDescriptor> Handlers { get; }

    /// <inheritdoc />
    public override string ToString() => $"{EventType} -> {string.Join(", ", Handlers)}";
}
