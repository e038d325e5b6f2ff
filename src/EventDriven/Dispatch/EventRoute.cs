using System.Runtime.CompilerServices;
using EventDriven.Diagnostics;
using EventDriven.Reliability;
using EventDriven.Ring;

namespace EventDriven.Dispatch;

/// <summary>
/// Everything that receives one event type on one bus: the generated (static) dispatcher and the runtime subscribers, as one
/// <see cref="EventDispatcher{TEvent}"/> (the generated one alone while nobody subscribes, else merged with the subscribers).
/// </summary>
/// <remarks>
/// The dispatcher in use is replaced on every subscription change (copy-on-write): publishing reads it with one
/// <c>Volatile.Read</c> (acquire) and never locks; subscribing and unsubscribing are rare, so they build the new dispatcher under a
/// lock and publish it with a release write.
/// </remarks>
internal sealed class EventRoute<TEvent> : RouteBase
    where TEvent : IEvent
{
    private static readonly string s_eventTypeName = Diagnostics.TelemetryNames.Of(typeof(TEvent));

    private readonly EventDispatcher<TEvent>? _own;
    private EventDispatcher<TEvent>? _generated; // _own, or _own with the handlers of base types (set before the route is published)
    private readonly Lock _subscriptionGate = new();
    private Handlers _handlers; // changed only under _subscriptionGate
    private EventDispatcher<TEvent>? _active; // what dispatch runs: _handlers.Dispatcher, read with one load
    private HandlerFailurePolicy? _failurePolicy;
    private Func<TEvent, int>? _partitionSelector;

    public EventRoute(EventDispatcher<TEvent>? dispatcher)
        : this(dispatcher, typeof(TEvent), s_eventTypeName)
    {
    }

    private EventRoute(EventDispatcher<TEvent>? dispatcher, Type eventType, string eventTypeName)
        : base(eventType, eventTypeName)
    {
        _own = dispatcher;
        _generated = dispatcher;
        _handlers = new Handlers([], dispatcher);
        _active = dispatcher;
    }

    /// <summary>
    /// The route of <paramref name="runtimeType"/>, a type derived from <typeparamref name="TEvent"/> that has no route of its own (no
    /// generated handlers, never published as itself): it carries the event typed as <typeparamref name="TEvent"/> and runs the handlers
    /// of <paramref name="inherited"/>. Named (metrics, spans) by the runtime type.
    /// </summary>
    public static EventRoute<TEvent> ForRuntimeType(Type runtimeType, IReadOnlyList<RouteBase> inherited)
    {
        var route = new EventRoute<TEvent>(dispatcher: null, runtimeType, Diagnostics.TelemetryNames.Of(runtimeType));
        route.Inherit(inherited);
        return route;
    }

    /// <summary>The generated dispatcher (merged over assemblies, with inherited handlers), without runtime subscribers.</summary>
    public EventDispatcher<TEvent>? Dispatcher => _generated;

    public override IReadOnlyList<HandlerDescriptor> OwnHandlers => _own?.Handlers ?? [];

    /// <summary>Adds the generated handlers of the routes of this type's base classes and interfaces; called before the route is published.</summary>
    public override void Inherit(IReadOnlyList<RouteBase> inherited)
    {
        if (inherited.Count == 0)
        {
            return;
        }

        EventDispatcher<TEvent> dispatcher = InheritedHandlersDispatcher<TEvent>.Create(_own, inherited);
        dispatcher.FailurePolicy = _failurePolicy;
        lock (_subscriptionGate)
        {
            _generated = dispatcher;
            Replace(With(_handlers.Subscribers));
        }
    }

    public override ValueTask InvokeOwnAsync(int handlerIndex, object @event, CancellationToken cancellationToken)
        => _own is { } own
            ? own.InvokeAsync(handlerIndex, (TEvent)@event, cancellationToken)
            : ValueTask.FromException(new ArgumentOutOfRangeException(nameof(handlerIndex), handlerIndex, $"The route of {EventTypeName} has no handlers of its own."));

    public override ValueTask PublishAsync(EventBus bus, IEvent @event, CancellationToken cancellationToken)
        => bus.PublishRoutedAsync(this, (TEvent)@event, cancellationToken);

    public override void Configure(EventDrivenOptions options)
    {
        Backpressure = options.GetBackpressure(typeof(TEvent));
        _partitionSelector = options.GetPartitionSelector<TEvent>();
    }

    /// <summary>The partition of <paramref name="event"/> among <paramref name="partitions"/>: by selector, else by <see cref="IPartitionedEvent"/>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PartitionOf(TEvent @event, int partitions)
    {
        if (partitions == 1)
        {
            return 0;
        }

        int hash;
        if (_partitionSelector is { } selector)
        {
            hash = selector(@event);
        }
        else if (@event is IPartitionedEvent keyed)
        {
            // A struct event is boxed here unless the JIT removes the box (it does once the method is optimized); use PartitionBy to be sure.
            hash = keyed.PartitionKey.GetHashCode();
        }
        else
        {
            return 0;
        }

        return (int)((uint)hash % (uint)partitions);
    }

    public override void UseFailurePolicy(HandlerFailurePolicy policy)
    {
        _failurePolicy = policy;
        Handlers handlers;
        lock (_subscriptionGate)
        {
            handlers = _handlers;
        }

        if (_generated is not null)
        {
            _generated.FailurePolicy = policy;
        }

        if (handlers.Dispatcher is { } dispatcher)
        {
            dispatcher.FailurePolicy = policy;
        }
    }

    public override ValueTask Dispatch(EventRing ring, long sequence, CancellationToken abort)
    {
        TEvent @event = typeof(TEvent).IsValueType
            ? ring.ColumnSlot<TEvent>(sequence)
            : Unsafe.As<object, TEvent>(ref ring.SlotAt(sequence).Reference!);
        EventDispatcher<TEvent>? dispatcher = Volatile.Read(ref _active);
        if (dispatcher is null)
        {
            return default;
        }

        return EventDrivenActivitySource.Source.HasListeners()
            ? dispatcher.DispatchTracedAsync(@event, new DispatchTrace(EventTypeName, @event.EventType, @event.Id, ring.TakeParent(sequence)), abort)
            : dispatcher.DispatchAsync(@event, abort);
    }

    public override Guid ReadEventId(EventRing ring, long sequence)
        => typeof(TEvent).IsValueType
            ? ring.ColumnSlot<TEvent>(sequence).Id
            : Unsafe.As<object, TEvent>(ref ring.SlotAt(sequence).Reference!).Id;

    public override IEvent ReadEvent(EventRing ring, long sequence)
        => typeof(TEvent).IsValueType
            ? ring.ColumnSlot<TEvent>(sequence)
            : Unsafe.As<object, TEvent>(ref ring.SlotAt(sequence).Reference!);

    public override ValueTask ReceiveAsync(EventBus bus, IEvent @event, Transport.ReceivedEventContext context, CancellationToken cancellationToken)
        => bus.ReceiveAsync(this, (TEvent)@event, context, cancellationToken);

    /// <summary>Dispatches on the calling thread (inline mode, or a handler publishing into its own full ring).</summary>
    public ValueTask DispatchAsync(TEvent @event, CancellationToken cancellationToken)
    {
        EventDispatcher<TEvent>? dispatcher = Volatile.Read(ref _active);
        if (dispatcher is null)
        {
            return default;
        }

        // While a tracer listens: one span per handler, children of the publisher's span (the dispatch runs on its flow).
        return EventDrivenActivitySource.Source.HasListeners()
            ? dispatcher.DispatchTracedAsync(@event, new DispatchTrace(EventTypeName, @event.EventType, @event.Id, publisher: null), cancellationToken)
            : dispatcher.DispatchAsync(@event, cancellationToken);
    }

    public IDisposable Subscribe(IEventHandler<TEvent> handler)
    {
        var subscriber = new Subscriber(this, handler);
        lock (_subscriptionGate)
        {
            Replace(With([.. _handlers.Subscribers, subscriber]));
        }

        return subscriber;
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        lock (_subscriptionGate)
        {
            Subscriber[] current = _handlers.Subscribers;
            int index = Array.IndexOf(current, subscriber);
            if (index >= 0)
            {
                Replace(With([.. current.AsSpan(0, index), .. current.AsSpan(index + 1)]));
            }
        }
    }

    /// <summary>Under the subscription lock: the bookkeeping, then the one field dispatch reads (release), so they never disagree.</summary>
    private void Replace(Handlers handlers)
    {
        _handlers = handlers;
        Volatile.Write(ref _active, handlers.Dispatcher);
    }

    private Handlers With(Subscriber[] subscribers)
    {
        if (subscribers.Length == 0)
        {
            return new Handlers(subscribers, _generated);
        }

        EventDispatcher<TEvent> merged = MergedEventDispatcher<TEvent>.WithSubscribers(_generated, [.. subscribers.Select(static s => s.Handler)]);
        merged.FailurePolicy = _failurePolicy;
        return new Handlers(subscribers, merged);
    }

    /// <summary>The subscribers and the dispatcher that runs them with the generated handlers: swapped together.</summary>
    private sealed class Handlers(Subscriber[] subscribers, EventDispatcher<TEvent>? dispatcher)
    {
        public Subscriber[] Subscribers { get; } = subscribers;

        public EventDispatcher<TEvent>? Dispatcher { get; } = dispatcher;
    }

    /// <summary>A runtime subscription; disposing it unsubscribes.</summary>
    private sealed class Subscriber(EventRoute<TEvent> route, IEventHandler<TEvent> handler) : IDisposable
    {
        private int _disposed;

        public IEventHandler<TEvent> Handler { get; } = handler;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                route.Unsubscribe(this);
            }
        }
    }
}
