namespace ECommerce.Orders;

/// <summary>Why an order whose stock was reserved was cancelled.</summary>
public enum CancellationReason
{
    /// <summary>The card issuer declined the payment.</summary>
    PaymentDeclined = 1,

    /// <summary>The payment provider did not answer in time.</summary>
    PaymentTimedOut = 2,
}
