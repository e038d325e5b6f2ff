using System.Buffers.Binary;
using System.Security.Cryptography;
using ECommerce.Inventory;
using ECommerce.Notifications;
using ECommerce.Payments;

namespace ECommerce.Orders;

/// <summary>
/// The order read model: one <see cref="OrderView"/> per order, built only from events. The live one is fed by
/// <see cref="OrderBookProjection"/> while the shop runs; a fresh one is rebuilt from the event store by replay, and the two must hash
/// the same (<see cref="ComputeHash"/>).
/// </summary>
/// <remarks>Fed from one thread at a time (the bus's consumer, or the replay loop).</remarks>
public sealed class OrderBook
{
    private readonly Dictionary<Guid, OrderView> _orders = [];

    /// <summary>Every order seen.</summary>
    public IReadOnlyCollection<OrderView> Orders => _orders.Values;

    /// <summary>How many orders it holds.</summary>
    public int Count => _orders.Count;

    /// <summary>The order with <paramref name="orderId"/>, if any event mentioned it.</summary>
    public OrderView? Find(Guid orderId) => _orders.GetValueOrDefault(orderId);

    /// <summary>Applies one event.</summary>
    public void Apply(OrderSubmitted e)
    {
        OrderView view = View(e.OrderId, e.OrderNumber, OrderMilestones.Submitted);
        view.Sku = e.Sku;
        view.Quantity = e.Quantity;
    }

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(OrderValidated e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Validated);

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(OrderRejected e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Rejected).Rejection = e.Reason;

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(OrderFulfilled e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Fulfilled);

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(OrderCancelled e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Cancelled).Cancellation = e.Reason;

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(InventoryReserved e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Reserved);

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(InventoryUnavailable e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Unavailable);

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(InventoryReleased e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Released);

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(PaymentProcessed e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Paid).Captured = e.Amount;

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(PaymentDeclined e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Declined);

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(PaymentRefunded e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Refunded).Refunded = e.Amount;

    /// <inheritdoc cref="Apply(OrderSubmitted)"/>
    public void Apply(NotificationSent e) => View(e.OrderId, e.OrderNumber, OrderMilestones.Notified).Notification = e.Kind;

    /// <summary>
    /// A SHA-256 over every order's fields in order-number order: equal hashes mean equal books, whatever order the events were
    /// applied in.
    /// </summary>
    public string ComputeHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> row = stackalloc byte[80];
        foreach (OrderView view in _orders.Values.OrderBy(static v => v.OrderNumber).ThenBy(static v => v.OrderId))
        {
            view.OrderId.TryWriteBytes(row);
            BinaryPrimitives.WriteInt32LittleEndian(row[16..], view.OrderNumber);
            BinaryPrimitives.WriteInt32LittleEndian(row[20..], (int)view.Milestones);
            BinaryPrimitives.WriteInt32LittleEndian(row[24..], view.Quantity);
            BinaryPrimitives.WriteInt32LittleEndian(row[28..], (int?)view.Rejection ?? -1);
            BinaryPrimitives.WriteInt32LittleEndian(row[32..], (int?)view.Cancellation ?? -1);
            BinaryPrimitives.WriteInt32LittleEndian(row[36..], (int?)view.Notification ?? -1);
            decimal.GetBits(view.Captured, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(row.Slice(40, 16)));
            decimal.GetBits(view.Refunded, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(row.Slice(56, 16)));
            row[72..].Clear();
            hash.AppendData(row);
            if (view.Sku is { } sku)
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(sku));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private OrderView View(Guid orderId, int orderNumber, OrderMilestones milestone)
    {
        if (!_orders.TryGetValue(orderId, out OrderView? view))
        {
            view = new OrderView(orderId);
            _orders[orderId] = view;
        }

        view.OrderNumber = orderNumber;
        view.Milestones |= milestone;
        return view;
    }
}
