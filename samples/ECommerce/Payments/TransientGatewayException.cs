namespace ECommerce.Payments;

/// <summary>The payment provider failed for a moment (a dropped connection); nothing was charged and trying again is safe.</summary>
public sealed class TransientGatewayException(Guid paymentId)
    : Exception($"The payment provider dropped the connection while charging payment {paymentId}; nothing was charged, retry.")
{
    /// <summary>The payment that was being charged.</summary>
    public Guid PaymentId { get; } = paymentId;
}
