namespace EventDriven.Tests.Sagas;

/// <summary>An <see cref="IEventBus"/> that only remembers what was published, in order.</summary>
internal sealed class RecordingBus : IEventBus
{
    private readonly List<IEvent> _published = [];

    /// <summary>When set, publishing an event it matches throws this bus's simulated failure (after recording nothing).</summary>
    public Func<IEvent, bool>? FailWhen { get; set; }

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
        if (FailWhen is { } fail && fail(@event))
        {
            return ValueTask.FromException(new InvalidOperationException($"a downstream handler of {@event.EventType} failed (simulated)"));
        }

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
