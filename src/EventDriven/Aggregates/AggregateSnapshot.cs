namespace EventDriven.Aggregates;

/// <summary>The state of one aggregate after a given event, serialized: what an <see cref="ISnapshotStore"/> keeps beside the stream.</summary>
/// <param name="StreamId">The aggregate's stream.</param>
/// <param name="AggregateType">The aggregate's CLR type name; a snapshot of another type in the same stream is ignored.</param>
/// <param name="SchemaVersion">The aggregate's <see cref="ISnapshotable{TSnapshot}.SnapshotVersion"/> when it was taken.</param>
/// <param name="StreamVersion">The version of the last event the state includes.</param>
/// <param name="Payload">The state as UTF-8 JSON.</param>
/// <param name="TakenAt">When it was taken.</param>
public sealed record AggregateSnapshot(string StreamId, string AggregateType, int SchemaVersion, long StreamVersion, ReadOnlyMemory<byte> Payload, DateTimeOffset TakenAt);
