namespace EventDriven.Testing;

/// <summary>
/// The <see cref="IEventBus"/> handlers and sagas get under the harness: it records each event with its cause, counts the publish
/// as in progress until the real bus accepted it (inline: handled), then forwards it.
/// </summary>
internal sealed class HarnessEventBus(EventBus bus, EventDrivenTestHarness harness) : IEventBus
{
    public async ValueTask PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(@event);
        harness.BeginPublish(@event);
        try
        {
            await bus.PublishAsync(@event, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            harness.EndPublish();
        }
    }

    public IDisposable Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent
        => bus.Subscribe(handler);
}
