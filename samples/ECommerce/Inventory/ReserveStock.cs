using ECommerce.Orders;
using EventDriven;

namespace ECommerce.Inventory;

/// <summary>Puts stock aside for a validated order, or says there is not enough.</summary>
[EventHandler(Idempotent = true)]
public sealed class ReserveStock(IEventBus bus, StockLevels stock) : IEventHandler<OrderValidated>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(OrderValidated @event, CancellationToken cancellationToken = default)
    {
        // StockLevels keys reservations by order id: a redelivered OrderValidated finds its reservation and reserves nothing more.
        if (stock.TryReserve(@event.OrderId, @event.Sku, @event.Quantity, out int available))
        {
            return bus.PublishAsync(
                new InventoryReserved(DeterministicId.From(@event.Id, nameof(InventoryReserved)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, @event.Sku, @event.Quantity, @event.Amount, @event.Card),
                cancellationToken);
        }

        return bus.PublishAsync(
            new InventoryUnavailable(DeterministicId.From(@event.Id, nameof(InventoryUnavailable)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, @event.Sku, @event.Quantity, available),
            cancellationToken);
    }
}
