namespace EventDriven.Aggregates;

/// <summary>
/// Keeps the latest snapshot of each aggregate stream. A snapshot is a cache of what the events say: losing one costs a longer load,
/// never correctness. Implementations: <see cref="InMemorySnapshotStore"/> and <c>SqliteSnapshotStore</c> (<c>EventDriven.Sqlite</c>).
/// </summary>
public interface ISnapshotStore
{
    /// <summary>The latest snapshot of <paramref name="streamId"/>, or null when there is none.</summary>
    ValueTask<AggregateSnapshot?> LoadAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Keeps <paramref name="snapshot"/> unless a snapshot of a later stream version is already kept.</summary>
    ValueTask SaveAsync(AggregateSnapshot snapshot, CancellationToken cancellationToken = default);
}
