using ECommerce.Orders;
using EventDriven;

namespace ECommerce.Notifications;

/// <summary>Tells the customer how the order ended: confirmed, rejected, or cancelled with the stock released.</summary>
[EventHandler(Idempotent = true)]
public sealed class NotifyCustomer(IEventBus bus) : IEventHandler<OrderFulfilled>, IEventHandler<OrderRejected>, IEventHandler<OrderCancelled>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(OrderFulfilled @event, CancellationToken cancellationToken = default)
        => bus.PublishAsync(new NotificationSent(DeterministicId.From(@event.Id, nameof(NotificationSent)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, NotificationKind.OrderConfirmed), cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderRejected @event, CancellationToken cancellationToken = default)
        => bus.PublishAsync(new NotificationSent(DeterministicId.From(@event.Id, nameof(NotificationSent)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, NotificationKind.OrderRejected), cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderCancelled @event, CancellationToken cancellationToken = default)
        => bus.PublishAsync(new NotificationSent(DeterministicId.From(@event.Id, nameof(NotificationSent)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, NotificationKind.OrderCancelled), cancellationToken);
}
