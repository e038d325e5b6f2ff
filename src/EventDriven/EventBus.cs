using System.Runtime.CompilerServices;
using EventDriven.Dispatch;

namespace EventDriven;

/// <summary>
/// The event bus: routes each published event through the generated dispatch tables of every registered assembly, then to runtime
/// subscribers. Get it from dependency injection (<c>services.AddEventDriven()</c>) as <see cref="IEventBus"/>.
/// </summary>
/// <remarks>
/// Publishing looks up the route by a per-type integer id in an array (no dictionary, no <see cref="Type"/>), calls the generated
/// dispatcher, and allocates nothing when handlers complete synchronously. Routes for event types first seen by
/// <see cref="Subscribe{TEvent}"/> are added copy-on-write, so publishing never locks.
/// </remarks>
public sealed class EventBus : IEventBus, IDisposable, IAsyncDisposable
{
    private readonly EventDrivenOptions _options;
    private readonly IReadOnlyList<IEventDispatchTable> _tables;
    private readonly IServiceProvider _services;
    private readonly Lock _routesGate = new();
    private object?[]? _routes;
    private volatile int _state; // 0 running, 1 stopped

    internal EventBus(EventDrivenOptions options, IReadOnlyList<IEventDispatchTable> tables, IServiceProvider services)
    {
        options.Validate();
        _options = options;
        _tables = tables;
        _services = services;
    }

    /// <summary>The dispatch mode the bus was created with.</summary>
    public DispatchMode DispatchMode => _options.DispatchMode;

    /// <inheritdoc />
    public ValueTask PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        // The IsValueType test keeps unoptimized (tier-0) code from boxing struct events just to compare them with null.
        if (!typeof(TEvent).IsValueType && @event is null)
        {
            ThrowHelper.ThrowArgumentNull(nameof(@event));
        }

        if (_state != 0)
        {
            ThrowHelper.ThrowBusStopped();
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        object?[] routes = Volatile.Read(ref _routes) ?? BuildRoutes();
        int id = EventTypeId<TEvent>.Value;
        if ((uint)id < (uint)routes.Length && routes[id] is { } route)
        {
            return Unsafe.As<EventRoute<TEvent>>(route).DispatchAsync(@event, cancellationToken);
        }

        return NoHandler(@event);
    }

    /// <inheritdoc />
    public IDisposable Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        return GetOrAddRoute<TEvent>().Subscribe(handler);
    }

    /// <summary>Starts the bus: resolves every handler and builds the routes now rather than on the first publish.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_state != 0)
        {
            ThrowHelper.ThrowBusStopped();
        }

        _ = Volatile.Read(ref _routes) ?? BuildRoutes();
        return Task.CompletedTask;
    }

    /// <summary>Stops the bus: later publishes throw <see cref="InvalidOperationException"/>. Inline publishes already running finish on their own threads.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        _state = 1;
        return Task.CompletedTask;
    }

    /// <summary>Stops the bus. Both dispose methods exist so containers disposed either way (sync or async) can dispose it.</summary>
    public void Dispose() => _state = 1;

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    private ValueTask NoHandler<TEvent>(TEvent @event)
        where TEvent : IEvent
    {
        if (_options.NoHandlerBehavior == NoHandlerBehavior.Throw)
        {
            return ValueTask.FromException(new InvalidOperationException(
                $"No handler is registered for event '{@event.EventType}' ({typeof(TEvent).FullName}). Add an [EventHandler] class implementing IEventHandler<{typeof(TEvent).Name}>, or subscribe one with IEventBus.Subscribe."));
        }

        return default;
    }

    /// <summary>
    /// Resolves the handlers and builds the routes, once. Deferred until the first publish, subscribe or start (not done in the
    /// constructor) because handlers commonly take <see cref="IEventBus"/> in their own constructor to publish follow-up events.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private object?[] BuildRoutes()
    {
        lock (_routesGate)
        {
            if (_routes is { } built)
            {
                return built;
            }

            var builder = new EventRouteBuilder();
            foreach (IEventDispatchTable table in _tables)
            {
                table.AddRoutes(builder, _services);
            }

            object?[] routes = builder.Build();

            // Release: a publisher that sees the array sees every route in it fully constructed.
            Volatile.Write(ref _routes, routes);
            return routes;
        }
    }

    private EventRoute<TEvent> GetOrAddRoute<TEvent>()
        where TEvent : IEvent
    {
        int id = EventTypeId<TEvent>.Value;
        object?[] current = Volatile.Read(ref _routes) ?? BuildRoutes();
        lock (_routesGate)
        {
            object?[] routes = _routes ?? current;
            if ((uint)id < (uint)routes.Length && routes[id] is EventRoute<TEvent> existing)
            {
                return existing;
            }

            var grown = new object?[Math.Max(routes.Length, id + 1)];
            routes.CopyTo(grown, 0);
            var route = new EventRoute<TEvent>(dispatcher: null);
            grown[id] = route;

            // Release: a publisher that sees the new array sees the route in it fully constructed.
            Volatile.Write(ref _routes, grown);
            return route;
        }
    }
}
