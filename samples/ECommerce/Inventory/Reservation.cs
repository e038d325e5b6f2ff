namespace ECommerce.Inventory;

/// <summary>Units of one product held for one order.</summary>
/// <param name="Sku">The product.</param>
/// <param name="Quantity">The units held.</param>
/// <param name="State">Held, committed (sold) or released (back on the shelf).</param>
public sealed record Reservation(string Sku, int Quantity, ReservationState State);
