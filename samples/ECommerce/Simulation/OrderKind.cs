namespace ECommerce.Simulation;

/// <summary>What the simulation means an order to run into; the shop's services find it out for themselves.</summary>
public enum OrderKind
{
    /// <summary>A good order with a good card.</summary>
    Happy,

    /// <summary>Breaks a validation rule.</summary>
    Invalid,

    /// <summary>Asks for a sold-out product.</summary>
    OutOfStock,

    /// <summary>Pays with a card the issuer declines.</summary>
    Declined,

    /// <summary>Pays with a card whose issuer never answers.</summary>
    PaymentTimeout,
}
