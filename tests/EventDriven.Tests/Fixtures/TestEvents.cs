using EventDriven;

namespace EventDriven.Tests.Fixtures;

public sealed record OrderPlaced(Guid OrderId) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "OrderPlaced";
    public string Source => "Tests";
}

public readonly record struct PriceChanged(Guid Id, decimal Price) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "PriceChanged";
    public string Source => "Tests";
}

/// <summary>Handled by a handler that always throws, beside two that succeed.</summary>
public sealed record PaymentDeclined(Guid OrderId) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "PaymentDeclined";
    public string Source => "Tests";
}

/// <summary>Handled only by a handler that completes asynchronously.</summary>
public sealed record ShipmentDispatched(Guid OrderId) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "ShipmentDispatched";
    public string Source => "Tests";
}

/// <summary>Has no static handler: only runtime subscribers receive it.</summary>
public sealed record CouponApplied(string Code) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "CouponApplied";
    public string Source => "Tests";
}

/// <summary>Its handler waits for cancellation.</summary>
public sealed record StockCounted(int Count) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "StockCounted";
    public string Source => "Tests";
}
