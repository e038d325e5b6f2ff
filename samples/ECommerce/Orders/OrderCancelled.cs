using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Orders;

/// <summary>The order was cancelled after its stock had been reserved; the compensation (stock released) is done. A final state.</summary>
public sealed record OrderCancelled(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, CancellationReason Reason) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "OrderCancelled";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Orders";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
