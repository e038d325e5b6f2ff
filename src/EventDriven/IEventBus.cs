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
    /// Publishes many events of one type, in order. <see cref="EventBus"/> claims as many ring slots as are free with one sequence
    /// operation (one partition), which is what makes a batch faster than a loop; this default, for other implementations (test
    /// doubles, decorators), publishes them one by one.
    /// </summary>
    /// <exception cref="RingBufferFullException">(through the task) under <see cref="BackpressureMode.FailFast"/>, when the ring cannot take the rest of the batch; the events before it were published.</exception>
    async ValueTask PublishBatchAsync<TEvent>(ReadOnlyMemory<TEvent> events, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        for (int i = 0; i < events.Length; i++)
        {
            await PublishAsync(events.Span[i], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds a runtime subscriber beside the static table. Dispose the returned object to unsubscribe; disposing twice is harmless.
    /// </summary>
    /// <remarks>Subscribing copies the subscriber list (copy-on-write), so publishing never takes a lock.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    IDisposable Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent;

    /// <summary>
    /// What the bus has counted so far (queue depth, drops, abandoned events, store and inbox outcomes), read in one go; the
    /// <c>EventDriven</c> meter reports the same numbers. This default, for implementations that count nothing (test doubles,
    /// decorators), is all zeros.
    /// </summary>
    Diagnostics.EventBusCounters Counters => default;
}
