using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Payments;

/// <summary>The payment was captured.</summary>
public sealed record PaymentProcessed(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, Guid PaymentId, decimal Amount) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "PaymentProcessed";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Payments";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
