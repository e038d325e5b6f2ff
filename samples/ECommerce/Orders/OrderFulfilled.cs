using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Orders;

/// <summary>The order is paid and its stock is committed to it. A final state.</summary>
public sealed record OrderFulfilled(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, decimal Amount) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "OrderFulfilled";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Orders";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
