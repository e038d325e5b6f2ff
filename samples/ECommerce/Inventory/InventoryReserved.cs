using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Inventory;

/// <summary>Stock was put aside for the order; payment may be taken.</summary>
public sealed record InventoryReserved(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, string Sku, int Quantity, decimal Amount, string Card) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "InventoryReserved";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Inventory";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
