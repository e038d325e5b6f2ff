namespace ECommerce.Payments;

/// <summary>
/// The card tokens the simulated payment provider knows, named like a real provider's test tokens. The card decides the issuer's
/// answer, so a run's outcome depends only on its orders (and therefore on the seed), never on timing.
/// </summary>
public static class CardToken
{
    /// <summary>Cards that pay.</summary>
    public static readonly string[] Good = ["tok_visa", "tok_mastercard", "tok_amex", "tok_discover"];

    /// <summary>The issuer declines (insufficient funds).</summary>
    public const string Declined = "tok_chargeDeclinedInsufficientFunds";

    /// <summary>The issuer never answers: the payment times out.</summary>
    public const string Unresponsive = "tok_issuerUnavailable";
}
