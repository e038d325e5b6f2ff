namespace EventDriven.Dispatch;

/// <summary>
/// Combines the dispatchers that several assemblies generated for the same event type into one, keeping the global run order
/// (<see cref="HandlerDescriptor.Order"/>, then name) across assemblies. Built once at startup; slower than a single generated
/// dispatcher because it calls each handler through <see cref="EventDispatcher{TEvent}.InvokeAsync"/>.
/// </summary>
internal sealed class MergedEventDispatcher<TEvent> : EventDispatcher<TEvent>
    where TEvent : IEvent
{
    private readonly (EventDispatcher<TEvent> Dispatcher, int Index)[] _targets;

    private MergedEventDispatcher(HandlerDescriptor[] handlers, (EventDispatcher<TEvent>, int)[] targets)
        : base(handlers)
        => _targets = targets;

    public static EventDispatcher<TEvent> Create(IReadOnlyList<EventDispatcher<TEvent>> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var entries = new List<(HandlerDescriptor Handler, EventDispatcher<TEvent> Dispatcher, int Index)>();
        foreach (EventDispatcher<TEvent> part in parts)
        {
            for (int i = 0; i < part.Handlers.Count; i++)
            {
                entries.Add((part.Handlers[i], part, i));
            }
        }

        entries.Sort(static (x, y) => HandlerDescriptor.CompareRunOrder(x.Handler, y.Handler));
        return new MergedEventDispatcher<TEvent>(
            entries.Select(e => e.Handler).ToArray(),
            entries.Select(e => (e.Dispatcher, e.Index)).ToArray());
    }

    public override ValueTask DispatchAsync(TEvent @event, CancellationToken cancellationToken)
    {
        int current = 0;
        try
        {
            for (; current < _targets.Length; current++)
            {
                ValueTask pending = InvokeAsync(current, @event, cancellationToken);
                if (!pending.IsCompletedSuccessfully)
                {
                    return ContinueAsync(current, pending, @event, cancellationToken);
                }

                pending.GetAwaiter().GetResult();
            }

            return default;
        }
        catch (Exception exception)
        {
            return ContinueAfterFailure(current, exception, @event, cancellationToken);
        }
    }

    public override ValueTask InvokeAsync(int handlerIndex, TEvent @event, CancellationToken cancellationToken)
    {
        (EventDispatcher<TEvent> dispatcher, int index) = _targets[handlerIndex];
        return dispatcher.InvokeAsync(index, @event, cancellationToken);
    }
}
