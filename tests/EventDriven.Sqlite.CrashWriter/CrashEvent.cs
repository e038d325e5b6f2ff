using System.Text.Json.Serialization;
using EventDriven.Store;

namespace EventDriven.Sqlite.CrashWriter;

/// <summary>What the crash writer appends: one event of a worker's stream.</summary>
public sealed record CrashEvent(string StreamId, int Worker, long Sequence) : IStreamEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;

    public string EventType => "CrashEvent";

    public string Source => "CrashWriter";
}

[JsonSerializable(typeof(CrashEvent))]
internal sealed partial class CrashJsonContext : JsonSerializerContext;
