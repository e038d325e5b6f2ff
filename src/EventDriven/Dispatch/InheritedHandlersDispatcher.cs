namespace EventDriven.Dispatch;

/// <summary>
/// The dispatcher of an event type whose handlers include handlers declared for its base classes or interfaces (polymorphic
/// handlers): its own generated handlers and those of every route whose event type it derives from, in one run order.
/// </summary>
/// <remarks>
/// The run order is the library's one rule, <see cref="HandlerDescriptor.Order"/> first, then the handler's event type from the most
/// specific (the event's own type, then base classes nearest first, then interfaces by full name), then the handler's full name.
/// Handlers of other event types are called through their route with the event as <see cref="object"/> (a class event is not
/// copied; a struct event reaching interface handlers is boxed once per such handler). Failures take the base class's one handler
/// loop, so retry and dead letter mean the same as for every other dispatch.
/// </remarks>
internal sealed class InheritedHandlersDispatcher<TEvent> : EventDispatcher<TEvent>
    where TEvent : IEvent
{
    private readonly Target[] _targets;

    private InheritedHandlersDispatcher(HandlerDescriptor[] handlers, Target[] targets)
        : base(handlers)
        => _targets = targets;

    /// <summary>
    /// <paramref name="own"/> (may be null: the type has no handlers of its own) merged with the generated handlers of
    /// <paramref name="inherited"/>, which are ordered from the most specific event type.
    /// </summary>
    public static EventDispatcher<TEvent> Create(EventDispatcher<TEvent>? own, IReadOnlyList<RouteBase> inherited)
    {
        var entries = new List<(HandlerDescriptor Handler, int Specificity, Target Target)>();
        if (own is not null)
        {
            for (int i = 0; i < own.Handlers.Count; i++)
            {
                entries.Add((own.Handlers[i], 0, new Target(own, null, i)));
            }
        }

        for (int r = 0; r < inherited.Count; r++)
        {
            IReadOnlyList<HandlerDescriptor> handlers = inherited[r].OwnHandlers;
            for (int i = 0; i < handlers.Count; i++)
            {
                entries.Add((handlers[i], r + 1, new Target(null, inherited[r], i)));
            }
        }

        entries.Sort(static (x, y) =>
        {
            int byOrder = x.Handler.Order.CompareTo(y.Handler.Order);
            if (byOrder != 0)
            {
                return byOrder;
            }

            int bySpecificity = x.Specificity.CompareTo(y.Specificity);
            return bySpecificity != 0 ? bySpecificity : string.CompareOrdinal(x.Handler.Name, y.Handler.Name);
        });
        return new InheritedHandlersDispatcher<TEvent>([.. entries.Select(static e => e.Handler)], [.. entries.Select(static e => e.Target)]);
    }

    public override ValueTask DispatchAsync(TEvent @event, CancellationToken cancellationToken) => DispatchByIndex(@event, cancellationToken);

    public override ValueTask InvokeAsync(int handlerIndex, TEvent @event, CancellationToken cancellationToken)
    {
        if ((uint)handlerIndex >= (uint)_targets.Length)
        {
            return ThrowHandlerIndexOutOfRange(handlerIndex);
        }

        Target target = _targets[handlerIndex];
        return target.Own is { } own
            ? own.InvokeAsync(target.Index, @event, cancellationToken)
            : target.Inherited!.InvokeOwnAsync(target.Index, @event, cancellationToken);
    }

    /// <summary>Where handler <c>i</c> lives: in this type's own dispatcher, or in the route of a base type or interface.</summary>
    private readonly record struct Target(EventDispatcher<TEvent>? Own, RouteBase? Inherited, int Index);
}
