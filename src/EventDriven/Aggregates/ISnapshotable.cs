using System.Text.Json.Serialization.Metadata;

namespace EventDriven.Aggregates;

/// <summary>
/// An aggregate whose state can be saved whole every <see cref="AggregateAttribute.SnapshotEvery"/> events, so loading reads the
/// latest snapshot and only the events after it. A snapshot is a cache: when <see cref="SnapshotVersion"/> changes (the state's
/// shape changed), or a snapshot cannot be read, it is ignored and the aggregate is loaded from its events.
/// </summary>
/// <typeparam name="TSnapshot">The saved state: a type System.Text.Json serializes through <see cref="SnapshotJson"/>.</typeparam>
public interface ISnapshotable<TSnapshot>
{
    /// <summary>
    /// The schema of <typeparamref name="TSnapshot"/>: raise it whenever the type or its meaning changes, and every snapshot taken with
    /// another number is ignored (the aggregate is rebuilt from its events and snapshotted again).
    /// </summary>
    static abstract int SnapshotVersion { get; }

    /// <summary>
    /// The AOT-safe JSON metadata of <typeparamref name="TSnapshot"/>, from a <c>System.Text.Json</c> source-generated
    /// <c>JsonSerializerContext</c> (<c>MyJsonContext.Default.OrderSnapshot</c>).
    /// </summary>
    static abstract JsonTypeInfo<TSnapshot> SnapshotJson { get; }

    /// <summary>The state as it is now.</summary>
    TSnapshot TakeSnapshot();

    /// <summary>Sets the state of an empty instance to <paramref name="snapshot"/>.</summary>
    void RestoreSnapshot(TSnapshot snapshot);
}
