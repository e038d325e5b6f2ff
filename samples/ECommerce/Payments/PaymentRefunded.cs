using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Payments;

/// <summary>The money of a late capture was given back to the customer.</summary>
public sealed record PaymentRefunded(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, Guid PaymentId, decimal Amount) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "PaymentRefunded";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Payments";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
