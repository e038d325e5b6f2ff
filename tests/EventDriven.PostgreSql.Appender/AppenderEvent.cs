using System.Text.Json.Serialization;
using EventDriven.Store;

namespace EventDriven.PostgreSql.Appender;

/// <summary>What the appender writes: one event of a worker's batch.</summary>
public sealed record AppenderEvent(string StreamId, string Worker, long Batch) : IStreamEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;

    public string EventType => "AppenderEvent";

    public string Source => "Appender";
}

[JsonSerializable(typeof(AppenderEvent))]
internal sealed partial class AppenderJsonContext : JsonSerializerContext;
