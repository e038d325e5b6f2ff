namespace EventDriven.Tests.Sagas;

public abstract record SagaTestEvent(Guid OrderId) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => GetType().Name;
    public string Source => "SagaTests";
}

public sealed record OrderOpened(Guid OrderId, decimal Amount) : SagaTestEvent(OrderId);

public sealed record StockReserved(Guid OrderId) : SagaTestEvent(OrderId);

public sealed record CardCharged(Guid OrderId) : SagaTestEvent(OrderId);

public sealed record ShippingBooked(Guid OrderId) : SagaTestEvent(OrderId);

public sealed record ChargeDeclined(Guid OrderId) : SagaTestEvent(OrderId);

public sealed record OrderShipped(Guid OrderId) : SagaTestEvent(OrderId);

/// <summary>Not declared by the test saga.</summary>
public sealed record CouponRedeemed(Guid OrderId) : SagaTestEvent(OrderId);

/// <summary>Published by a compensation: which step it undid.</summary>
public sealed record StepUndone(Guid OrderId, string Step) : SagaTestEvent(OrderId);

/// <summary>Published once all compensations ran.</summary>
public sealed record OrderAborted(Guid OrderId, string Reason) : SagaTestEvent(OrderId);

/// <summary>Published by the start step.</summary>
public sealed record ReserveStock(Guid OrderId) : SagaTestEvent(OrderId);

/// <summary>Published by the late handler of <see cref="CardCharged"/>: give the money back.</summary>
public sealed record RefundRequested(Guid OrderId, Guid ChargeId) : SagaTestEvent(OrderId);
