using System.Diagnostics;
using System.Runtime.CompilerServices;
using EventDriven.Reliability;
using EventDriven.Ring;

namespace EventDriven.Dispatch;

/// <summary>
/// Everything that receives one event type on one bus: the generated (static) dispatcher and the runtime subscribers.
/// </summary>
/// <remarks>
/// Subscribers live in an array replaced on every change (copy-on-write): publishing reads it with one
/// <c>Volatile.Read</c> (acquire) and never locks; subscribing and unsubscribing swap it with
/// <c>Interlocked.CompareExchange</c> (full fence).
/// </remarks>
internal sealed class EventRoute<TEvent> : RouteBase
    where TEvent : IEvent
{
    private readonly EventDispatcher<TEvent>? _dispatcher;
    private Subscriber[] _subscribers = [];
    private HandlerFailurePolicy? _failurePolicy;

    private static readonly string s_eventTypeName = typeof(TEvent).Name;
    private Func<TEvent, int>? _partitionSelector;

    public EventRoute(EventDispatcher<TEvent>? dispatcher)
        : base(s_eventTypeName)
        => _dispatcher = dispatcher;

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
        if (_dispatcher is not null)
        {
            _dispatcher.FailurePolicy = policy;
        }
    }

    public override long DispatchRun(EventProcessor processor, long from, long to, CancellationToken abort)
    {
        EventRing ring = processor.Ring;
        for (long sequence = from; sequence <= to; sequence++)
        {
            ref EventRing.Slot slot = ref ring.SlotAt(sequence);
            if (sequence != from && slot.Route != this)
            {
                return sequence - 1;
            }

            // The event stays in its slot while it is dispatched (EventContext.Current reads its id from there) and afterwards, until a
            // producer reuses the slot: at most Capacity handled events per ring stay reachable.
            TEvent @event = typeof(TEvent).IsValueType
                ? ring.ColumnSlot<TEvent>(sequence)
                : Unsafe.As<object, TEvent>(ref slot.Reference!);
            long start = processor.BeginEvent(sequence);
            ValueTask dispatch;
            try
            {
                dispatch = EventDrivenActivitySource.Source.HasListeners()
                    ? DispatchTracedAsync(@event, ring.TakeParent(sequence), abort)
                    : DispatchAsync(@event, abort);
            }
            catch (Exception exception)
            {
                dispatch = ValueTask.FromException(exception);
            }

            if (!processor.EndEvent(dispatch, s_eventTypeName, start, abort))
            {
                return sequence;
            }
        }

        return to;
    }

    public override Guid ReadEventId(EventRing ring, long sequence)
        => typeof(TEvent).IsValueType
            ? ring.ColumnSlot<TEvent>(sequence).Id
            : Unsafe.As<object, TEvent>(ref ring.SlotAt(sequence).Reference!).Id;

    public override IEvent ReadEvent(EventRing ring, long sequence)
        => typeof(TEvent).IsValueType
            ? ring.ColumnSlot<TEvent>(sequence)
            : Unsafe.As<object, TEvent>(ref ring.SlotAt(sequence).Reference!);

    /// <summary>
    /// The dispatch used while a tracer listens: each handler runs alone inside its own consumer span, linked to the publisher's
    /// span (ring) or a child of it (inline). Slower than the generated fused path, which is why it is only taken when someone
    /// listens. Failures take the same path as untraced dispatch: the failure policy (ring), or collected while the other handlers
    /// still run and thrown together as one <see cref="EventDispatchException"/> (inline).
    /// </summary>
    private async ValueTask DispatchTracedAsync(TEvent @event, Activity? parent, CancellationToken cancellationToken)
    {
        EventContext context = EventContext.Current;
        Guid eventId = context.IsActive ? context.EventId : @event.Id;
        List<HandlerFailure>? failures = null;
        ActivityLink[]? links = parent is null ? null : [new ActivityLink(parent.Context)];
        int staticCount = _dispatcher?.Handlers.Count ?? 0;
        Subscriber[] subscribers = Volatile.Read(ref _subscribers);
        for (int i = 0; i < staticCount + subscribers.Length; i++)
        {
            string handlerName = i < staticCount ? _dispatcher!.Handlers[i].Name : subscribers[i - staticCount].Handler.GetType().FullName ?? "subscriber";
            using Activity? activity = EventDrivenActivitySource.Source.StartActivity(ActivityKind.Consumer, parentContext: default, links: links, name: "process " + s_eventTypeName);
            if (activity is not null)
            {
                activity.SetTag("messaging.system", "eventdriven");
                activity.SetTag("messaging.operation.type", "process");
                activity.SetTag("messaging.destination.name", @event.EventType);
                activity.SetTag("messaging.message.id", eventId.ToString());
                activity.SetTag("messaging.message.conversation_id", context.CorrelationId.ToString());
                activity.SetTag("eventdriven.handler", handlerName);
            }

            int index = i;
            Func<int, TEvent, CancellationToken, ValueTask> invoke = index < staticCount
                ? _dispatcher!.InvokeAsync
                : (handler, e, ct) => subscribers[handler - staticCount].Handler.HandleAsync(e, ct);
            try
            {
                await invoke(index, @event, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!EventDispatcher<TEvent>.IsCancellation(exception, cancellationToken))
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                if (_failurePolicy is null)
                {
                    (failures ??= []).Add(new HandlerFailure(handlerName, exception));
                    continue;
                }

                await _failurePolicy.RecoverAsync(handlerName, invoke, index, @event, exception, cancellationToken).ConfigureAwait(false);
            }
        }

        if (failures is not null)
        {
            throw new EventDispatchException(@event.EventType, @event.Id, failures);
        }
    }

    public EventDispatcher<TEvent>? Dispatcher => _dispatcher;

    public ValueTask DispatchAsync(TEvent @event, CancellationToken cancellationToken)
    {
        if (EventDrivenActivitySource.Source.HasListeners())
        {
            // Inline mode while a tracer listens: one span per handler, children of the publisher's span (it runs on this flow).
            return DispatchTracedAsync(@event, parent: null, cancellationToken);
        }

        Subscriber[] subscribers = Volatile.Read(ref _subscribers);
        if (subscribers.Length == 0)
        {
            return _dispatcher is { } dispatcher ? dispatcher.DispatchAsync(@event, cancellationToken) : default;
        }

        return DispatchWithSubscribersAsync(subscribers, @event, cancellationToken);
    }

    public IDisposable Subscribe(IEventHandler<TEvent> handler)
    {
        var subscriber = new Subscriber(this, handler);
        Subscriber[] current, updated;
        do
        {
            current = Volatile.Read(ref _subscribers);
            updated = [.. current, subscriber];
        }
        while (Interlocked.CompareExchange(ref _subscribers, updated, current) != current);

        return subscriber;
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        Subscriber[] current, updated;
        do
        {
            current = Volatile.Read(ref _subscribers);
            int index = Array.IndexOf(current, subscriber);
            if (index < 0)
            {
                return;
            }

            updated = [.. current.AsSpan(0, index), .. current.AsSpan(index + 1)];
        }
        while (Interlocked.CompareExchange(ref _subscribers, updated, current) != current);
    }

    private async ValueTask DispatchWithSubscribersAsync(Subscriber[] subscribers, TEvent @event, CancellationToken cancellationToken)
    {
        List<HandlerFailure>? failures = null;
        if (_dispatcher is { } dispatcher)
        {
            try
            {
                await dispatcher.DispatchAsync(@event, cancellationToken).ConfigureAwait(false);
            }
            catch (EventDispatchException exception)
            {
                (failures ??= []).AddRange(exception.Failures);
            }
        }

        for (int i = 0; i < subscribers.Length; i++)
        {
            try
            {
                await subscribers[i].Handler.HandleAsync(@event, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!EventDispatcher<TEvent>.IsCancellation(exception, cancellationToken))
            {
                string name = subscribers[i].Handler.GetType().FullName ?? subscribers[i].Handler.GetType().Name;
                if (_failurePolicy is { } policy)
                {
                    await policy.RecoverAsync(name, (index, e, ct) => subscribers[index].Handler.HandleAsync(e, ct), i, @event, exception, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    (failures ??= []).Add(new HandlerFailure(name, exception));
                }
            }
        }

        if (failures is not null)
        {
            throw new EventDispatchException(@event.EventType, @event.Id, failures);
        }
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
