using EventDriven.Store;

namespace EventDriven.Benchmarks.Transport;

/// <summary>The event of the RabbitMQ latency line: appended and sent by the benchmark, handled by the consumer process.</summary>
public sealed record LatencyProbe(string StreamId, long Number) : IStreamEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;

    public string EventType => "LatencyProbe";

    public string Source => "Benchmarks";
}

/// <summary>
/// The consumer process's handler: prints the event's id and the monotonic clock when it ran (the same clock as the parent's on
/// Linux), so the parent computes commit → handled.
/// </summary>
[EventHandler]
public sealed class LatencyProbeHandler : IEventHandler<LatencyProbe>
{
    public ValueTask HandleAsync(LatencyProbe @event, CancellationToken cancellationToken = default)
    {
        Console.Out.WriteLine($"H {@event.Id} {System.Diagnostics.Stopwatch.GetTimestamp()}");
        return ValueTask.CompletedTask;
    }
}
