using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Orders;

/// <summary>A customer placed an order: the first event of every order's flow, raised by the shop front (the simulation).</summary>
public sealed record OrderSubmitted(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, string Sku, int Quantity, decimal UnitPrice, string Card, string ShippingCountry) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "OrderSubmitted";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Orders";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
