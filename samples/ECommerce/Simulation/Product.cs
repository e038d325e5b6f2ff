namespace ECommerce.Simulation;

/// <summary>One product of the catalogue.</summary>
/// <param name="Sku">The stock-keeping unit, e.g. <c>SKU-0007</c>.</param>
/// <param name="UnitPrice">The price of one unit.</param>
/// <param name="OpeningStock">The units in the warehouse when the shop opens (0: sold out).</param>
public sealed record Product(string Sku, decimal UnitPrice, int OpeningStock);
