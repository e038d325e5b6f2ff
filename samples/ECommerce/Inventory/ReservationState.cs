namespace ECommerce.Inventory;

/// <summary>Where a reservation stands.</summary>
public enum ReservationState
{
    /// <summary>Units put aside, payment pending.</summary>
    Held,

    /// <summary>The order was fulfilled: the units are sold.</summary>
    Committed,

    /// <summary>The order was cancelled: the units went back on the shelf.</summary>
    Released,
}
