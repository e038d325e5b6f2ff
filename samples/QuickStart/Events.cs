using EventDriven;

namespace QuickStart;

/// <summary>A customer placed an order.</summary>
public sealed record OrderSubmitted(Guid OrderId, decimal Total) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
    public string EventType => "OrderSubmitted";
    public string Source => "QuickStart.Orders";
}

/// <summary>Stock was put aside for an order. A struct event: it travels without boxing.</summary>
public readonly record struct StockReserved(Guid Id, Guid OrderId, DateTimeOffset OccurredAt) : IEvent
{
    public string EventType => "StockReserved";
    public string Source => "QuickStart.Inventory";
}
