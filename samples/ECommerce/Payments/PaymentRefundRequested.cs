using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Payments;

/// <summary>
/// The order saga asks Payments to give a payment back: it was captured after the order had already been cancelled (the payment
/// provider answered after the saga's payment timeout). Published by the saga's <c>WhenLate&lt;PaymentProcessed&gt;</c>.
/// </summary>
public sealed record PaymentRefundRequested(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, Guid PaymentId, decimal Amount) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "PaymentRefundRequested";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Orders";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
