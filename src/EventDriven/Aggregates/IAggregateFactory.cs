using System.ComponentModel;

namespace EventDriven.Aggregates;

/// <summary>Creates empty instances of an aggregate without reflection. The source generator implements it on every <see cref="AggregateAttribute"/> class.</summary>
/// <typeparam name="TSelf">The aggregate.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IAggregateFactory<TSelf>
    where TSelf : AggregateRoot, IAggregateFactory<TSelf>
{
    /// <summary>A new, empty instance (through the aggregate's parameterless constructor, whatever its accessibility).</summary>
    static abstract TSelf CreateEmpty();

    /// <summary>The <see cref="AggregateAttribute.SnapshotEvery"/> the aggregate declared (0: no snapshots).</summary>
    static abstract int SnapshotEvery { get; }

    /// <summary>The state as a snapshot taken at <paramref name="takenAt"/>; null when the aggregate does not implement <see cref="ISnapshotable{TSnapshot}"/>.</summary>
    static abstract AggregateSnapshot? TakeSnapshot(TSelf aggregate, DateTimeOffset takenAt);

    /// <summary>Restores <paramref name="snapshot"/> into the empty <paramref name="aggregate"/>; false when it does not apply (see <see cref="SnapshotCodec.TryRestore{TAggregate, TSnapshot}"/>).</summary>
    static abstract bool TryRestoreSnapshot(TSelf aggregate, AggregateSnapshot snapshot);
}
