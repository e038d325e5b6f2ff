namespace EventDriven;

/// <summary>
/// Publishes events to their handlers: the generated static table first (ordered by
/// <see cref="EventHandlerAttribute.Order"/>, then by handler type name), then runtime subscribers in subscription order.
/// </summary>
public interface IEventBus
{
    /// <summary>
    /// Publishes <paramref name="event"/> to every handler of <typeparamref name="TEvent"/> (the static type, not the runtime type).
    /// </summary>
    /// <remarks>
    /// In <see cref="DispatchMode.Inline"/> mode the handlers run on the calling thread and the returned task completes when all of
    /// them have finished. A failing handler does not stop the others; the failures are reported together in an
    /// <see cref="EventDispatchException"/> once every handler has run. Publishing an event nobody handles is allowed and does nothing
    /// unless <see cref="EventDrivenOptions.NoHandlerBehavior"/> says otherwise.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="event"/> is <see langword="null"/>.</exception>
    /// <exception cref="EventDispatchException">One or more handlers failed.</exception>
    /// <exception cref="InvalidOperationException">The bus has been stopped.</exception>
    ValueTask PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent;

    /// <summary>
    /// Adds a runtime subscriber beside the static table. Dispose the returned object to unsubscribe; disposing twice is harmless.
    /// </summary>
    /// <remarks>Subscribing copies the subscriber list (copy-on-write), so publishing never takes a lock.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    IDisposable Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent;
}
