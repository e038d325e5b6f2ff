using System.Collections.Concurrent;

namespace EventDriven.Reliability;

/// <summary>An <see cref="IInbox"/> in memory: deduplicates redeliveries within one process lifetime (tests, prototypes).</summary>
public sealed class InMemoryInbox(TimeProvider? timeProvider = null) : IInbox
{
    private readonly ConcurrentDictionary<(string Consumer, Guid EventId), DateTimeOffset> _processed = new();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>How many records the inbox holds.</summary>
    public int Count => _processed.Count;

    /// <inheritdoc />
    public ValueTask<bool> HasProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        return ValueTask.FromResult(_processed.ContainsKey((consumer, eventId)));
    }

    /// <inheritdoc />
    public ValueTask<bool> MarkProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        return ValueTask.FromResult(_processed.TryAdd((consumer, eventId), _time.GetUtcNow()));
    }

    /// <inheritdoc />
    public ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        int removed = 0;
        foreach (KeyValuePair<(string Consumer, Guid EventId), DateTimeOffset> record in _processed)
        {
            if (record.Value < olderThan && _processed.TryRemove(record.Key, out _))
            {
                removed++;
            }
        }

        return ValueTask.FromResult(removed);
    }
}
