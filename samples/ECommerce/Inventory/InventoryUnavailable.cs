using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Inventory;

/// <summary>Not enough stock for the order; nothing was reserved.</summary>
public sealed record InventoryUnavailable(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, string Sku, int Requested, int Available) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "InventoryUnavailable";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Inventory";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
