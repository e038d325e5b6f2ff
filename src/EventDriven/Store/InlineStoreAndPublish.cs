using EventDriven.Dispatch;

namespace EventDriven.Store;

/// <summary>
/// Store-and-publish of an event dispatched on the calling thread (inline mode, or a consumer's handler publishing into its own
/// full ring): the append is awaited before or after the handlers, as <see cref="EventDrivenOptions.EventStorage"/> says. The
/// ring-buffer counterpart is <see cref="StoreStage"/>.
/// </summary>
internal sealed class InlineStoreAndPublish(EventStoreWriter writer, EventStorage when)
{
    /// <summary>The writer of events stored on publishing threads.</summary>
    public EventStoreWriter Writer => writer;

    public ValueTask DispatchAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
        => when == EventStorage.BeforeDispatch ? StoreThenDispatchAsync(route, @event, cancellationToken) : DispatchThenStoreAsync(route, @event, cancellationToken);

    /// <summary>An event nobody handles (yet) is still history: it is stored, and that is all.</summary>
    public ValueTask StoreUnhandledAsync(IEvent @event) => new(writer.StoreOneAsync(@event, CancellationToken.None));

    private async ValueTask StoreThenDispatchAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        await writer.StoreOneAsync(@event, cancellationToken).ConfigureAwait(false);
        await route.DispatchAsync(@event, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DispatchThenStoreAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        try
        {
            await route.DispatchAsync(@event, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The handlers ran (some may have failed, which the caller learns from the exception): the store records the event.
            await writer.StoreOneAsync(@event, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
