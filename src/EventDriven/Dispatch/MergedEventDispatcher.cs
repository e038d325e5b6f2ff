namespace EventDriven.Dispatch;

/// <summary>
/// One dispatcher made of several: the dispatchers several assemblies generated for one event type (merged into the global run
/// order, <see cref="HandlerDescriptor.Order"/> then name), followed by the runtime subscribers of the route in subscription order.
/// Slower than a single generated dispatcher because it calls each handler through <see cref="EventDispatcher{TEvent}.InvokeAsync"/>;
/// its failures take the base class's one handler loop, like every other dispatch.
/// </summary>
internal sealed class MergedEventDispatcher<TEvent> : EventDispatcher<TEvent>
    where TEvent : IEvent
{
    private readonly (EventDispatcher<TEvent> Dispatcher, int Index)[] _targets;

    private MergedEventDispatcher(HandlerDescriptor[] handlers, (EventDispatcher<TEvent>, int)[] targets)
        : base(handlers)
        => _targets = targets;

    /// <summary>The generated dispatchers of every assembly, merged into one run order (the one dispatcher itself when there is one).</summary>
    public static EventDispatcher<TEvent> Create(IReadOnlyList<EventDispatcher<TEvent>> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        List<(HandlerDescriptor Handler, EventDispatcher<TEvent> Dispatcher, int Index)> entries = Flatten(parts);
        entries.Sort(static (x, y) => HandlerDescriptor.CompareRunOrder(x.Handler, y.Handler));
        return new MergedEventDispatcher<TEvent>([.. entries.Select(e => e.Handler)], [.. entries.Select(e => (e.Dispatcher, e.Index))]);
    }

    /// <summary>
    /// The handlers of <paramref name="dispatcher"/> that <paramref name="selection"/> includes: the dispatcher itself when it includes
    /// all, null when none, otherwise a dispatcher calling only those (by index: the generated one holds null for the others).
    /// </summary>
    public static EventDispatcher<TEvent>? Select(EventDispatcher<TEvent> dispatcher, HandlerSelection selection)
    {
        var entries = new List<(HandlerDescriptor Handler, EventDispatcher<TEvent> Dispatcher, int Index)>();
        for (int i = 0; i < dispatcher.Handlers.Count; i++)
        {
            if (selection.Includes(dispatcher.Handlers[i]))
            {
                entries.Add((dispatcher.Handlers[i], dispatcher, i));
            }
        }

        return entries.Count == dispatcher.Handlers.Count ? dispatcher
            : entries.Count == 0 ? null
            : new MergedEventDispatcher<TEvent>([.. entries.Select(e => e.Handler)], [.. entries.Select(e => (e.Dispatcher, e.Index))]);
    }

    /// <summary>The route's generated dispatcher (if any) first, then <paramref name="subscribers"/> in the order they subscribed.</summary>
    public static EventDispatcher<TEvent> WithSubscribers(EventDispatcher<TEvent>? generated, IReadOnlyList<IEventHandler<TEvent>> subscribers)
    {
        var parts = new List<EventDispatcher<TEvent>>(subscribers.Count + 1);
        if (generated is not null)
        {
            parts.Add(generated);
        }

        foreach (IEventHandler<TEvent> subscriber in subscribers)
        {
            parts.Add(new SubscriberDispatcher(subscriber));
        }

        List<(HandlerDescriptor Handler, EventDispatcher<TEvent> Dispatcher, int Index)> entries = Flatten(parts);
        return new MergedEventDispatcher<TEvent>([.. entries.Select(e => e.Handler)], [.. entries.Select(e => (e.Dispatcher, e.Index))]);
    }

    public override ValueTask DispatchAsync(TEvent @event, CancellationToken cancellationToken) => DispatchByIndex(@event, cancellationToken);

    public override ValueTask InvokeAsync(int handlerIndex, TEvent @event, CancellationToken cancellationToken)
    {
        (EventDispatcher<TEvent> dispatcher, int index) = _targets[handlerIndex];
        return dispatcher.InvokeAsync(index, @event, cancellationToken);
    }

    private static List<(HandlerDescriptor, EventDispatcher<TEvent>, int)> Flatten(IReadOnlyList<EventDispatcher<TEvent>> parts)
    {
        var entries = new List<(HandlerDescriptor, EventDispatcher<TEvent>, int)>();
        foreach (EventDispatcher<TEvent> part in parts)
        {
            for (int i = 0; i < part.Handlers.Count; i++)
            {
                entries.Add((part.Handlers[i], part, i));
            }
        }

        return entries;
    }

    /// <summary>A runtime subscriber as a one-handler dispatcher, named by its type (what failures and dead letters report).</summary>
    private sealed class SubscriberDispatcher(IEventHandler<TEvent> handler)
        : EventDispatcher<TEvent>([new HandlerDescriptor(handler.GetType().FullName ?? handler.GetType().Name, int.MaxValue, idempotent: false)])
    {
        public override ValueTask DispatchAsync(TEvent @event, CancellationToken cancellationToken) => DispatchByIndex(@event, cancellationToken);

        public override ValueTask InvokeAsync(int handlerIndex, TEvent @event, CancellationToken cancellationToken)
            => handlerIndex == 0 ? handler.HandleAsync(@event, cancellationToken) : ThrowHandlerIndexOutOfRange(handlerIndex);
    }
}
