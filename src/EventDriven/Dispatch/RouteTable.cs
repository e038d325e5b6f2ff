using System.Runtime.CompilerServices;
using EventDriven.Reliability;

namespace EventDriven.Dispatch;

/// <summary>
/// The routes of one bus, in an array indexed by <see cref="EventTypeId{TEvent}"/>: built once from every generated dispatch table
/// (resolving the handlers), grown copy-on-write when a runtime subscription brings a new event type, so publishing reads it with
/// one <c>Volatile.Read</c> and never locks.
/// </summary>
internal sealed class RouteTable(EventDrivenOptions options, IReadOnlyList<IEventDispatchTable> tables, IServiceProvider services, HandlerFailurePolicy? failurePolicy)
{
    private readonly Lock _gate = new();
    private object?[]? _routes;
    private Dictionary<Type, RouteBase> _byRuntimeType = [];

    /// <summary>Held while the routes are built or grown; the bus stops under it too, so a stop never misses consumers being started.</summary>
    public Lock Gate => _gate;

    /// <summary>The routes, or null before they are built.</summary>
    public object?[]? Routes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _routes);
    }

    /// <summary>
    /// Resolves the handlers and builds the routes, once; <paramref name="beforePublishing"/> runs under the lock before the routes
    /// become visible (the bus starts its consumers there, so a publisher that sees routes sees running rings).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public object?[] Build(Action beforePublishing)
    {
        lock (_gate)
        {
            if (_routes is { } built)
            {
                return built;
            }

            var builder = new EventRouteBuilder();
            foreach (IEventDispatchTable table in tables)
            {
                table.AddRoutes(builder, services);
            }

            object?[] routes = builder.Build();
            var byType = new Dictionary<Type, RouteBase>();
            foreach (object? route in routes)
            {
                if (route is RouteBase typed)
                {
                    Configure(typed);
                    byType[typed.EventType] = typed;
                }
            }

            beforePublishing();
            _byRuntimeType = byType;

            // Release: a publisher that sees the array sees every route (and the rings) fully constructed.
            Volatile.Write(ref _routes, routes);
            return routes;
        }
    }

    /// <summary>The route of <typeparamref name="TEvent"/>, added (with no generated handlers) when it has none yet.</summary>
    public EventRoute<TEvent> GetOrAdd<TEvent>(Action beforePublishing)
        where TEvent : IEvent
    {
        int id = EventTypeId<TEvent>.Value;
        object?[] current = Routes ?? Build(beforePublishing);
        lock (_gate)
        {
            object?[] routes = _routes ?? current;
            if ((uint)id < (uint)routes.Length && routes[id] is EventRoute<TEvent> existing)
            {
                return existing;
            }

            var grown = new object?[Math.Max(routes.Length, id + 1)];
            routes.CopyTo(grown, 0);
            var route = new EventRoute<TEvent>(dispatcher: null);
            Configure(route);
            grown[id] = route;
            _byRuntimeType = new Dictionary<Type, RouteBase>(_byRuntimeType) { [typeof(TEvent)] = route };
            Volatile.Write(ref _routes, grown);
            return route;
        }
    }

    /// <summary>The route of an event whose type is known only at run time (a received or re-driven event); null when it has none.</summary>
    public RouteBase? FindByRuntimeType(Type eventType)
    {
        _ = Routes ?? throw new InvalidOperationException("The routes are not built yet.");
        return Volatile.Read(ref _byRuntimeType).GetValueOrDefault(eventType);
    }

    private void Configure(RouteBase route)
    {
        route.Configure(options);
        if (failurePolicy is not null)
        {
            route.UseFailurePolicy(failurePolicy);
        }
    }
}
