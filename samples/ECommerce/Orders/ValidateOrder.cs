using ECommerce.Simulation;
using EventDriven;

namespace ECommerce.Orders;

/// <summary>Checks a submitted order against the shop's rules: a product it sells, a sensible quantity, a country it ships to.</summary>
[EventHandler(Idempotent = true)]
public sealed class ValidateOrder(IEventBus bus, ShopCatalog catalog) : IEventHandler<OrderSubmitted>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(OrderSubmitted @event, CancellationToken cancellationToken = default)
    {
        // Ids derive from the cause, so a redelivered OrderSubmitted yields the same verdict event, which the store keeps once.
        if (IsValid(@event, out decimal unitPrice))
        {
            return bus.PublishAsync(
                new OrderValidated(DeterministicId.From(@event.Id, nameof(OrderValidated)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, @event.Sku, @event.Quantity, unitPrice * @event.Quantity, @event.Card),
                cancellationToken);
        }

        return bus.PublishAsync(
            new OrderRejected(DeterministicId.From(@event.Id, nameof(OrderRejected)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, RejectionReason.Invalid),
            cancellationToken);
    }

    private bool IsValid(OrderSubmitted order, out decimal unitPrice)
    {
        unitPrice = 0;
        return order.Quantity is >= 1 and <= ShopCatalog.MaxQuantityPerOrder
            && catalog.ShippingCountries.Contains(order.ShippingCountry)
            && catalog.TryGetProduct(order.Sku, out Product product)
            // The shop charges its own price, never the one the client sent.
            && (unitPrice = product.UnitPrice) > 0;
    }
}
