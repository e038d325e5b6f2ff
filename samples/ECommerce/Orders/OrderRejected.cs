using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Orders;

/// <summary>The order was refused before any money moved (invalid, or out of stock). A final state.</summary>
public sealed record OrderRejected(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, RejectionReason Reason) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "OrderRejected";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Orders";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
