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

    // Which generated routes each type inherits handlers from, once the routes are built: fixed from then on (routes added later have no
    // generated handlers), so a type published again and again with no handler at all costs a lookup, not a scan, a lock or a list.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, List<RouteBase>> _inheritedByType = new();

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

            options.Handlers.RequireEveryRuleMatches(tables);
            var builder = new EventRouteBuilder(options.Handlers);
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
                    byType[typed.EventType] = typed;
                }
            }

            // Polymorphic handlers: every route also runs the generated handlers declared for its base classes and interfaces. All
            // generated handlers are known now, so this is decided once; routes added later inherit in GetOrAdd.
            foreach (RouteBase typed in byType.Values)
            {
                IReadOnlyList<RouteBase> inherited = InheritedRoutes(byType, typed.EventType);
                if (inherited.Count > 0)
                {
                    typed.Inherit(inherited);
                }

                Configure(typed);
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
            route.Inherit(InheritedAfterBuild(typeof(TEvent)));
            Configure(route);
            grown[id] = route;
            _byRuntimeType = new Dictionary<Type, RouteBase>(_byRuntimeType) { [typeof(TEvent)] = route };
            Volatile.Write(ref _routes, grown);
            return route;
        }
    }

    /// <summary>
    /// The route an event of <paramref name="runtimeType"/>, published or received as some base type <typeparamref name="TStatic"/>,
    /// takes: the runtime type's own route when it has one, else one made for it (once) that runs the handlers of its base classes
    /// and interfaces; null when nothing handles it.
    /// </summary>
    /// <remarks>Called once the routes are built (no start-up delegate to pass: the publish path calls it per event and must not allocate).</remarks>
    public RouteBase? GetOrAddForRuntimeType<TStatic>(Type runtimeType)
        where TStatic : IEvent
    {
        _ = Routes ?? throw new InvalidOperationException("The routes are not built yet.");
        if (Volatile.Read(ref _byRuntimeType).GetValueOrDefault(runtimeType) is { } existing)
        {
            return existing;
        }

        List<RouteBase> inherited = InheritedAfterBuild(runtimeType);
        if (inherited.Count == 0)
        {
            return null;
        }

        lock (_gate)
        {
            if (_byRuntimeType.GetValueOrDefault(runtimeType) is { } added)
            {
                return added;
            }

            // Typed as the caller's static type (every inherited route's type is one of its base types too, so the casts hold); keyed
            // by the runtime type, so any later publish of that type, held as whatever base, finds it.
            EventRoute<TStatic> route = EventRoute<TStatic>.ForRuntimeType(runtimeType, inherited);
            Configure(route);
            _byRuntimeType = new Dictionary<Type, RouteBase>(_byRuntimeType) { [runtimeType] = route };
            return route;
        }
    }

    /// <summary>Whether generated handlers declared for a base class or interface of <paramref name="eventType"/> would receive it.</summary>
    public bool InheritsHandlers(Type eventType)
    {
        _ = Routes ?? throw new InvalidOperationException("The routes are not built yet.");
        return InheritedAfterBuild(eventType).Count > 0;
    }

    private List<RouteBase> InheritedAfterBuild(Type eventType)
        => _inheritedByType.GetOrAdd(eventType, static (type, byType) => InheritedRoutes(byType, type), Volatile.Read(ref _byRuntimeType));

    /// <summary>
    /// The routes with generated handlers whose event type <paramref name="eventType"/> derives from or implements, most specific
    /// first: base classes nearest first, then interfaces by full name (the documented tie-break of polymorphic handlers).
    /// </summary>
    private static List<RouteBase> InheritedRoutes(Dictionary<Type, RouteBase> byType, Type eventType)
    {
        var inherited = new List<RouteBase>();
        for (Type? baseType = eventType.BaseType; baseType is not null && baseType != typeof(object); baseType = baseType.BaseType)
        {
            if (byType.GetValueOrDefault(baseType) is { OwnHandlers.Count: > 0 } route)
            {
                inherited.Add(route);
            }
        }

        var interfaces = new List<RouteBase>();
        foreach (RouteBase route in byType.Values)
        {
            if (route.EventType.IsInterface && route.OwnHandlers.Count > 0 && route.EventType != eventType && route.EventType.IsAssignableFrom(eventType))
            {
                interfaces.Add(route);
            }
        }

        interfaces.Sort(static (x, y) => string.CompareOrdinal(x.EventType.FullName, y.EventType.FullName));
        inherited.AddRange(interfaces);
        return inherited;
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
