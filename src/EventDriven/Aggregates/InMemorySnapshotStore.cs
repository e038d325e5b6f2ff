using System.Collections.Concurrent;

namespace EventDriven.Aggregates;

/// <summary>An <see cref="ISnapshotStore"/> in memory: for tests, and for processes that rebuild their aggregates at every start.</summary>
public sealed class InMemorySnapshotStore : ISnapshotStore
{
    private readonly ConcurrentDictionary<string, AggregateSnapshot> _snapshots = new(StringComparer.Ordinal);

    /// <summary>How many streams have a snapshot.</summary>
    public int Count => _snapshots.Count;

    /// <inheritdoc />
    public ValueTask<AggregateSnapshot?> LoadAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        return new(_snapshots.GetValueOrDefault(streamId));
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(AggregateSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _snapshots.AddOrUpdate(snapshot.StreamId, snapshot, (_, kept) => kept.StreamVersion > snapshot.StreamVersion ? kept : snapshot);
        return ValueTask.CompletedTask;
    }
}
