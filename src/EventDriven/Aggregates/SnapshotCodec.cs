using System.ComponentModel;
using System.Text.Json;

namespace EventDriven.Aggregates;

/// <summary>Serializes and restores snapshots for the generated <see cref="IAggregateFactory{TSelf}"/> members; not meant to be called by hand.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SnapshotCodec
{
    /// <summary>The aggregate's state now, as UTF-8 JSON, at its current version and snapshot schema.</summary>
    public static AggregateSnapshot Take<TAggregate, TSnapshot>(TAggregate aggregate, DateTimeOffset takenAt)
        where TAggregate : AggregateRoot, ISnapshotable<TSnapshot>
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        byte[] payload = JsonSerializer.SerializeToUtf8Bytes(aggregate.TakeSnapshot(), TAggregate.SnapshotJson);
        return new AggregateSnapshot(aggregate.Id, typeof(TAggregate).FullName!, TAggregate.SnapshotVersion, aggregate.Version, payload, takenAt);
    }

    /// <summary>
    /// Restores <paramref name="snapshot"/> into the empty <paramref name="aggregate"/>; false, leaving it empty, when the snapshot is of
    /// another schema version or type (it is then ignored and the stream read from the start).
    /// </summary>
    /// <exception cref="JsonException">The payload is not a valid <typeparamref name="TSnapshot"/> although its version matches.</exception>
    public static bool TryRestore<TAggregate, TSnapshot>(TAggregate aggregate, AggregateSnapshot snapshot)
        where TAggregate : AggregateRoot, ISnapshotable<TSnapshot>
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.SchemaVersion != TAggregate.SnapshotVersion || snapshot.AggregateType != typeof(TAggregate).FullName)
        {
            return false;
        }

        TSnapshot? state = JsonSerializer.Deserialize(snapshot.Payload.Span, TAggregate.SnapshotJson);
        if (state is null)
        {
            return false;
        }

        aggregate.RestoreSnapshot(state);
        return true;
    }
}
