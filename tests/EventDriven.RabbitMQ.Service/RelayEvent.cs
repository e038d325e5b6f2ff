using System.Text.Json.Serialization;
using EventDriven.Store;

namespace EventDriven.RabbitMQ.Child;

/// <summary>What the relaying child appends and sends: the <paramref name="Number"/>th event of its run, in one of a few streams.</summary>
public sealed record RelayEvent(string StreamId, long Number) : IStreamEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;

    public string EventType => "RelayEvent";

    public string Source => "Relay";
}

[JsonSerializable(typeof(RelayEvent))]
public sealed partial class RelayJsonContext : JsonSerializerContext;
