namespace EventDriven.Testing;

/// <summary>
/// An <see cref="IEventBus"/> for handler unit tests: it records every published event, in order, and hands it to the handlers
/// subscribed to its type (inline, in subscription order). Give it to the handler under test instead of the real bus, then assert
/// what the handler published — no mocking library, no setup:
/// <code>
/// var bus = new RecordingEventBus();
/// await new ValidateOrder(bus).HandleAsync(submitted);
/// OrderValidated validated = bus.Single&lt;OrderValidated&gt;(e =&gt; e.OrderId == submitted.OrderId);
/// </code>
/// </summary>
/// <remarks>
/// Thread-safe: handlers that publish from several threads are recorded in the order their publishes took the recorder's lock.
/// Struct events are boxed when recorded (a test double, not a hot path). A publish that <see cref="FailPublishesWhere"/> matches
/// throws and records nothing, which is how a test exercises a handler's reaction to a failing bus.
/// </remarks>
public sealed class RecordingEventBus : IEventBus
{
    private readonly PublishedEventLog _log = new();
    private readonly List<(Type EventType, object Handler)> _subscriptions = [];
    private readonly Lock _gate = new();

    /// <summary>When set, a publish whose event it matches fails with the returned exception and is not recorded.</summary>
    public Func<IEvent, Exception?>? FailPublishesWhere { get; set; }

    /// <summary>Every event published so far, in order.</summary>
    public IReadOnlyList<IEvent> Events => _log.Events;

    /// <inheritdoc />
    public async ValueTask PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(@event);
        cancellationToken.ThrowIfCancellationRequested();
        if (FailPublishesWhere?.Invoke(@event) is { } failure)
        {
            throw failure;
        }

        _log.Add(@event);
        IEventHandler<TEvent>[] handlers;
        lock (_gate)
        {
            handlers = [.. _subscriptions.Where(static s => s.EventType == typeof(TEvent)).Select(static s => (IEventHandler<TEvent>)s.Handler)];
        }

        foreach (IEventHandler<TEvent> handler in handlers)
        {
            await handler.HandleAsync(@event, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>The handler receives every later event of exactly <typeparamref name="TEvent"/>, inline, until the returned handle is disposed.</remarks>
    public IDisposable Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        (Type, object) subscription = (typeof(TEvent), handler);
        lock (_gate)
        {
            _subscriptions.Add(subscription);
        }

        return new Unsubscriber(this, subscription);
    }

    /// <summary>The published events of type <typeparamref name="TEvent"/> (or derived from it), in order.</summary>
    public IReadOnlyList<TEvent> Published<TEvent>()
        where TEvent : IEvent
        => _log.Published<TEvent>();

    /// <summary>The one published <typeparamref name="TEvent"/> that matches <paramref name="where"/> (any, when <see langword="null"/>).</summary>
    /// <exception cref="EventAssertionException">None or several matched; the message lists every event published.</exception>
    public TEvent Single<TEvent>(Func<TEvent, bool>? where = null)
        where TEvent : IEvent
        => _log.Single(where);

    /// <summary>Asserts that no <typeparamref name="TEvent"/> matching <paramref name="where"/> (any, when <see langword="null"/>) was published.</summary>
    /// <exception cref="EventAssertionException">One or more matched; the message lists every event published.</exception>
    public void None<TEvent>(Func<TEvent, bool>? where = null)
        where TEvent : IEvent
        => _log.None(where);

    /// <summary>Forgets every recorded event (subscriptions stay).</summary>
    public void Clear() => _log.Clear();

    private sealed class Unsubscriber(RecordingEventBus bus, (Type, object) subscription) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (bus._gate)
                {
                    bus._subscriptions.Remove(subscription);
                }
            }
        }
    }
}
