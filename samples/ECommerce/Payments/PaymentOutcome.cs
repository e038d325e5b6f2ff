namespace ECommerce.Payments;

/// <summary>What the payment provider answered.</summary>
public enum PaymentOutcome
{
    /// <summary>The money was taken.</summary>
    Captured,

    /// <summary>The issuer refused; nothing was taken.</summary>
    Declined,

    /// <summary>No answer (yet): the order waits, and its saga gives up after the payment timeout.</summary>
    NoAnswer,
}
