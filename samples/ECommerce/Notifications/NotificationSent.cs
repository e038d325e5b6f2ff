using System.Text.Json.Serialization;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Notifications;

/// <summary>The customer was told how the order ended.</summary>
public sealed record NotificationSent(Guid Id, DateTimeOffset OccurredAt, Guid OrderId, int OrderNumber, int CustomerNumber, NotificationKind Kind) : IStreamEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public string EventType => "NotificationSent";

    /// <inheritdoc />
    [JsonIgnore]
    public string Source => "Notifications";

    /// <inheritdoc />
    [JsonIgnore]
    public string StreamId => Orders.OrderStream.Id(OrderId);
}
