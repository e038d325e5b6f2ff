namespace ECommerce.Payments;

/// <summary>Money given back for a capture.</summary>
/// <param name="PaymentId">The captured payment that was refunded.</param>
/// <param name="Amount">The amount given back (the whole capture).</param>
public sealed record Refund(Guid PaymentId, decimal Amount);
