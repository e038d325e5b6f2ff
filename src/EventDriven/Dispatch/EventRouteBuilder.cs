using System.ComponentModel;

namespace EventDriven.Dispatch;

/// <summary>Collects the dispatchers every <see cref="IEventDispatchTable"/> contributes, then builds one route per event type.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EventRouteBuilder
{
    private readonly Dictionary<int, RouteParts> _parts = [];

    internal EventRouteBuilder()
    {
    }

    /// <summary>Adds the generated dispatcher for <typeparamref name="TEvent"/>. Called by generated code.</summary>
    public void Add<TEvent>(EventDispatcher<TEvent> dispatcher)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        int id = EventTypeId<TEvent>.Value;
        if (!_parts.TryGetValue(id, out RouteParts? parts))
        {
            _parts.Add(id, parts = new RouteParts<TEvent>());
        }

        ((RouteParts<TEvent>)parts).Dispatchers.Add(dispatcher);
    }

    /// <summary>Builds the route array indexed by <see cref="EventTypeId{TEvent}"/>.</summary>
    internal object?[] Build()
    {
        var routes = new object?[Math.Max(EventTypeIds.Count, 1)];
        foreach ((int id, RouteParts parts) in _parts)
        {
            routes[id] = parts.BuildRoute();
        }

        return routes;
    }

    private abstract class RouteParts
    {
        public abstract object BuildRoute();
    }

    private sealed class RouteParts<TEvent> : RouteParts
        where TEvent : IEvent
    {
        public List<EventDispatcher<TEvent>> Dispatchers { get; } = [];

        public override object BuildRoute() => new EventRoute<TEvent>(MergedEventDispatcher<TEvent>.Create(Dispatchers));
    }
}
