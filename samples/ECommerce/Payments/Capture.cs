namespace ECommerce.Payments;

/// <summary>Money taken for an order.</summary>
/// <param name="PaymentId">The payment (the provider's idempotency key).</param>
/// <param name="Amount">The amount taken.</param>
public sealed record Capture(Guid PaymentId, decimal Amount);
