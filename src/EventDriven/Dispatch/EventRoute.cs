namespace EventDriven.Dispatch;

/// <summary>
/// Everything that receives one event type on one bus: the generated (static) dispatcher and the runtime subscribers.
/// </summary>
/// <remarks>
/// Subscribers live in an array replaced on every change (copy-on-write): publishing reads it with one
/// <c>Volatile.Read</c> (acquire) and never locks; subscribing and unsubscribing swap it with
/// <c>Interlocked.CompareExchange</c> (full fence).
/// </remarks>
internal sealed class EventRoute<TEvent>
    where TEvent : IEvent
{
    private readonly EventDispatcher<TEvent>? _dispatcher;
    private Subscriber[] _subscribers = [];

    public EventRoute(EventDispatcher<TEvent>? dispatcher) => _dispatcher = dispatcher;

    public EventDispatcher<TEvent>? Dispatcher => _dispatcher;

    public bool HasHandlers => _dispatcher is not null || Volatile.Read(ref _subscribers).Length > 0;

    public ValueTask DispatchAsync(TEvent @event, CancellationToken cancellationToken)
    {
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

        foreach (Subscriber subscriber in subscribers)
        {
            try
            {
                await subscriber.Handler.HandleAsync(@event, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!EventDispatcher<TEvent>.IsCancellation(exception, cancellationToken))
            {
                (failures ??= []).Add(new HandlerFailure(subscriber.Handler.GetType().FullName ?? subscriber.Handler.GetType().Name, exception));
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
