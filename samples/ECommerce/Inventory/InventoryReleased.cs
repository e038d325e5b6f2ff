using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Inventory;

/// <summary>A reservation was undone (compensation): the stock is available again.</summary>
public sealed record InventoryReleased(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, string Sku, int Quantity) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "InventoryReleased";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Inventory";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
