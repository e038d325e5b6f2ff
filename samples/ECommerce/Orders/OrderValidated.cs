using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Orders;

/// <summary>The order passed validation; inventory may reserve its stock.</summary>
public sealed record OrderValidated(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, string Sku, int Quantity, decimal Amount, string Card) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "OrderValidated";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Orders";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
