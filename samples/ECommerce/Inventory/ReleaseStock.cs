using ECommerce.Orders;
using EventDriven;

namespace ECommerce.Inventory;

/// <summary>Compensation: when the order saga gives up on an order, its reserved units go back on the shelf.</summary>
[EventHandler(Idempotent = true)]
public sealed class ReleaseStock(IEventBus bus, StockLevels stock) : IEventHandler<InventoryReleaseRequested>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryReleaseRequested @event, CancellationToken cancellationToken = default)
    {
        // Release is keyed by order id: releasing an order twice gives its units back once.
        if (stock.Release(@event.OrderId) is not { } released)
        {
            return default;
        }

        return bus.PublishAsync(
            new InventoryReleased(DeterministicId.From(@event.Id, nameof(InventoryReleased)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, released.Sku, released.Quantity),
            cancellationToken);
    }
}
