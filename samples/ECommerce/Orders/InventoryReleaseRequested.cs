using System.Text.Json.Serialization;
using EventDriven.Store;

namespace ECommerce.Orders;

/// <summary>The order saga compensates: it asks Inventory to give the order's reserved units back.</summary>
public sealed record InventoryReleaseRequested(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, string Reason) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "InventoryReleaseRequested";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Orders";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => OrderStream.Id(OrderId);
}
