namespace EventDriven.Tests.Sagas;

/// <summary>An <see cref="IEventBus"/> that only remembers what was published, in order.</summary>
internal sealed class RecordingBus : IEventBus
{
    private readonly List<IEvent> _published = [];

    public IReadOnlyList<IEvent> Published
    {
        get
        {
            lock (_published)
            {
                return [.. _published];
            }
        }
    }

    public IReadOnlyList<T> OfType<T>() => Published.OfType<T>().ToArray();

    public ValueTask PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        lock (_published)
        {
            _published.Add(@event);
        }

        return default;
    }

    public IDisposable Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent
        => throw new NotSupportedException();
}
