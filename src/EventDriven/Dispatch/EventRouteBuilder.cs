using System.ComponentModel;

namespace EventDriven.Dispatch;

/// <summary>Collects the dispatchers every <see cref="IEventDispatchTable"/> contributes, then builds one route per event type.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EventRouteBuilder
{
    private readonly Dictionary<int, RouteParts> _parts = [];
    private readonly HandlerSelection? _selection;

    internal EventRouteBuilder(HandlerSelection? selection = null)
        => _selection = selection is { IsEverything: false } ? selection : null;

    /// <summary>
    /// Whether <paramref name="handler"/> runs in this process (<see cref="EventDrivenOptions.Handlers"/>). Generated code resolves and
    /// checks only the handlers this returns true for, and passes <see langword="null"/> for the others: their dispatcher never calls them.
    /// </summary>
    public bool Includes(HandlerDescriptor handler) => _selection is null || _selection.Includes(handler);

    /// <summary>Adds the generated dispatcher for <typeparamref name="TEvent"/>. Called by generated code.</summary>
    public void Add<TEvent>(EventDispatcher<TEvent> dispatcher)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        if (_selection is not null)
        {
            EventDispatcher<TEvent>? selected = MergedEventDispatcher<TEvent>.Select(dispatcher, _selection);
            if (selected is null)
            {
                return;
            }

            dispatcher = selected;
        }

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
