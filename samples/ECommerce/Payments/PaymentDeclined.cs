using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Payments;

/// <summary>The card issuer declined the payment; nothing was captured.</summary>
public sealed record PaymentDeclined(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, Guid PaymentId, string Reason) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "PaymentDeclined";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Payments";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
