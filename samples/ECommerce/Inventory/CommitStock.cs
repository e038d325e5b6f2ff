using ECommerce.Orders;
using EventDriven;

namespace ECommerce.Inventory;

/// <summary>A fulfilled order's reserved units are sold: the reservation is closed for good.</summary>
[EventHandler(Idempotent = true)]
public sealed class CommitStock(StockLevels stock) : IEventHandler<OrderFulfilled>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(OrderFulfilled @event, CancellationToken cancellationToken = default)
    {
        stock.Commit(@event.OrderId);
        return default;
    }
}
