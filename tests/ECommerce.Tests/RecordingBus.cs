using EventDriven;

namespace ECommerce.Tests;

/// <summary>An <see cref="IEventBus"/> that only remembers what was published, in order (for driving one service or the saga alone).</summary>
internal sealed class RecordingBus : IEventBus
{
    private readonly List<IEvent> _published = [];

    public IReadOnlyList<T> OfType<T>()
    {
        lock (_published)
        {
            return [.. _published.OfType<T>()];
        }
    }

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
