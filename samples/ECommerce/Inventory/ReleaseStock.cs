using ECommerce.Orders;
using ECommerce.Payments;
using EventDriven;

namespace ECommerce.Inventory;

/// <summary>Compensation: when payment fails, the order's reserved units go back on the shelf.</summary>
[EventHandler(Idempotent = true)]
public sealed class ReleaseStock(IEventBus bus, StockLevels stock) : IEventHandler<PaymentDeclined>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentDeclined @event, CancellationToken cancellationToken = default)
    {
        // Release is keyed by order id: a second release of the same order gives nothing back twice.
        if (stock.Release(@event.OrderId) is not { } released)
        {
            return default;
        }

        return bus.PublishAsync(
            new InventoryReleased(DeterministicId.From(@event.Id, nameof(InventoryReleased)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, released.Sku, released.Quantity, CancellationReason.PaymentDeclined),
            cancellationToken);
    }
}
