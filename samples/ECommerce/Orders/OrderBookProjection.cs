using ECommerce.Inventory;
using ECommerce.Notifications;
using ECommerce.Payments;
using EventDriven;

namespace ECommerce.Orders;

/// <summary>
/// Keeps an <see cref="OrderBook"/> up to date from every event of an order's flow. Registered with the bus it maintains the live
/// book; handed to an <c>EventReplay</c> over a fresh book it rebuilds the same book from the store.
/// </summary>
/// <remarks>Runs after the services' handlers of the same event (<c>Order = 100</c>), so the book reflects decisions already taken.</remarks>
[EventHandler(Order = 100, Idempotent = true)]
public sealed class OrderBookProjection(OrderBook book) :
    IEventHandler<OrderSubmitted>,
    IEventHandler<OrderValidated>,
    IEventHandler<OrderRejected>,
    IEventHandler<OrderFulfilled>,
    IEventHandler<OrderCancelled>,
    IEventHandler<InventoryReserved>,
    IEventHandler<InventoryUnavailable>,
    IEventHandler<InventoryReleased>,
    IEventHandler<PaymentProcessed>,
    IEventHandler<PaymentDeclined>,
    IEventHandler<PaymentRefunded>,
    IEventHandler<NotificationSent>
{
    /// <summary>The book this projection feeds.</summary>
    public OrderBook Book => book;

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderSubmitted @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderValidated @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderRejected @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderFulfilled @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderCancelled @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryReserved @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryUnavailable @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryReleased @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentProcessed @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentDeclined @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentRefunded @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(NotificationSent @event, CancellationToken cancellationToken = default)
    {
        book.Apply(@event);
        return default;
    }
}
