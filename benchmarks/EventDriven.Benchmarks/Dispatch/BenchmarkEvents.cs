using EventDriven;

namespace EventDriven.Benchmarks.Dispatch;

public sealed class OrderPlaced : IEvent
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; } = DateTimeOffset.UnixEpoch;
    public string EventType => "OrderPlaced";
    public string Source => "Benchmarks";
    public long Amount { get; init; } = 42;
}

public readonly record struct PriceChanged(Guid Id, long Price) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "PriceChanged";
    public string Source => "Benchmarks";
}
