namespace ECommerce.Orders;

/// <summary>Why an order was refused.</summary>
public enum RejectionReason
{
    /// <summary>The order broke a validation rule (quantity, catalogue, shipping country).</summary>
    Invalid = 1,

    /// <summary>Inventory could not reserve the quantity.</summary>
    OutOfStock = 2,
}
