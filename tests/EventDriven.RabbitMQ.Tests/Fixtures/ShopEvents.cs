using EventDriven.Store;

namespace EventDriven.RabbitMQ.Tests.Fixtures;

/// <summary>What the "orders" side of the tests appends and sends out.</summary>
public sealed record OrderPlaced(string StreamId, int Number) : IStreamEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public DateTimeOffset OccurredAt { get; init; } = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    public string EventType => "OrderPlaced";

    public string Source => "Orders";
}
