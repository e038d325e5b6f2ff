using ECommerce.Inventory;
using ECommerce.Payments;
using EventDriven;

namespace ECommerce.Orders;

/// <summary>Decides each order's final state from what Inventory and Payments report.</summary>
[EventHandler(Idempotent = true)]
public sealed class OrderProcess(IEventBus bus) : IEventHandler<InventoryUnavailable>, IEventHandler<PaymentProcessed>, IEventHandler<InventoryReleased>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryUnavailable @event, CancellationToken cancellationToken = default)
        => bus.PublishAsync(
            new OrderRejected(DeterministicId.From(@event.Id, nameof(OrderRejected)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, RejectionReason.OutOfStock),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentProcessed @event, CancellationToken cancellationToken = default)
        => bus.PublishAsync(
            new OrderFulfilled(DeterministicId.From(@event.Id, nameof(OrderFulfilled)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, @event.Amount),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryReleased @event, CancellationToken cancellationToken = default)
        => bus.PublishAsync(
            new OrderCancelled(DeterministicId.From(@event.Id, nameof(OrderCancelled)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, @event.Reason),
            cancellationToken);
}
