using EventDriven.Dispatch;

namespace EventDriven.Store;

/// <summary>
/// Store-and-publish of an event dispatched on the calling thread (inline mode, or a consumer's handler publishing into its own
/// full ring): the append is awaited before or after the handlers, as <see cref="EventDrivenOptions.EventStorage"/> says. The
/// ring-buffer counterpart is <see cref="StoreStage"/>.
/// </summary>
internal sealed class InlineStoreAndPublish(EventStoreWriter writer, EventStorage when)
{
    /// <summary>
    /// Dispatches on the calling thread, through <paramref name="store"/> when the bus stores events and straight to the route when it
    /// does not: the one place every inline dispatch (publish, receive, a handler's publish into its own full ring) decides that.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ValueTask DispatchAsync<TEvent>(InlineStoreAndPublish? store, EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken, Transport.ReceivedEventContext? received = null)
        where TEvent : IEvent
        => store is null ? route.DispatchAsync(@event, cancellationToken) : store.DispatchAsync(route, @event, cancellationToken, received);

    /// <summary>The writer of events stored on publishing threads.</summary>
    public EventStoreWriter Writer => writer;

    /// <param name="route">The event's route.</param>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the handlers (and a store-before append).</param>
    /// <param name="received">The ids a received event carried; null for a local publish (linked to the handler publishing it, if any).</param>
    public ValueTask DispatchAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken, Transport.ReceivedEventContext? received = null)
        where TEvent : IEvent
        => when == EventStorage.BeforeDispatch ? StoreThenDispatchAsync(route, @event, received, cancellationToken) : DispatchThenStoreAsync(route, @event, received, cancellationToken);

    /// <summary>An event nobody handles (yet) is still history: it is stored, and that is all.</summary>
    public ValueTask StoreUnhandledAsync(IEvent @event, Transport.ReceivedEventContext? received = null) => new(writer.StoreOneAsync(ToAppend(@event, received), CancellationToken.None));

    private static EventToAppend ToAppend(IEvent @event, Transport.ReceivedEventContext? received)
        => received is { } ids
            ? new EventToAppend(@event, ids.CausationId == Guid.Empty ? null : ids.CausationId, ids.CorrelationId == Guid.Empty ? @event.Id : ids.CorrelationId)
            : EventToAppend.LinkedToCurrentHandler(@event);

    private async ValueTask StoreThenDispatchAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, Transport.ReceivedEventContext? received, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        await writer.StoreOneAsync(ToAppend(@event, received), cancellationToken).ConfigureAwait(false);
        await route.DispatchAsync(@event, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DispatchThenStoreAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, Transport.ReceivedEventContext? received, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        try
        {
            await route.DispatchAsync(@event, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The handlers ran (some may have failed, which the caller learns from the exception): the store records the event.
            await writer.StoreOneAsync(ToAppend(@event, received), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
