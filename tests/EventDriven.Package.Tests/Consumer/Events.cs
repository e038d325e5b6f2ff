using EventDriven;

namespace Consumer;

/// <summary>A reference-type event: a sealed record class.</summary>
public sealed record OrderPlaced(string OrderNumber, decimal Total) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
    public string EventType => "OrderPlaced";
    public string Source => "Consumer.Orders";
}

/// <summary>A value-type event: a readonly record struct.</summary>
public readonly record struct PaymentCaptured(Guid Id, DateTimeOffset OccurredAt, string OrderNumber, decimal Amount) : IEvent
{
    public string EventType => "PaymentCaptured";
    public string Source => "Consumer.Payments";
}
