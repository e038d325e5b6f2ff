using ECommerce.Inventory;
using ECommerce.Notifications;
using ECommerce.Payments;
using EventDriven;
using EventDriven.Projections;
using EventDriven.Store;

namespace ECommerce.Orders;

/// <summary>
/// The order book as a projection over the event store (run by <see cref="ProjectionRunner{TWriter}"/>): the same
/// <see cref="OrderBook"/> the live <see cref="OrderBookProjection"/> handler keeps, rebuilt from stored events in position order,
/// from a checkpoint. It also counts what it reads (rows, ids, types), so the run's census reads the store once.
/// </summary>
public sealed class OrderBookReadModel : IProjection<InMemoryProjectionWriter>
{
    private readonly HashSet<Guid> _ids = [];
    private readonly Dictionary<string, long> _rowsByType = new(StringComparer.Ordinal);

    /// <summary>The book being rebuilt.</summary>
    public OrderBook Book { get; private set; } = new();

    /// <summary>Readable rows applied (every event type, including those the book ignores).</summary>
    public long Rows { get; private set; }

    /// <summary>Distinct event ids among them.</summary>
    public int DistinctIds => _ids.Count;

    /// <summary>Rows per event type.</summary>
    public IReadOnlyDictionary<string, long> RowsByType => _rowsByType;

    /// <inheritdoc />
    public string Name => "order-book";

    /// <inheritdoc />
    public void Setup(InMemoryProjectionWriter writer)
    {
    }

    /// <inheritdoc />
    public void Apply(IEvent @event, StoredEvent stored, InMemoryProjectionWriter writer)
    {
        Rows++;
        _ids.Add(stored.EventId);
        _rowsByType[stored.EventType] = _rowsByType.GetValueOrDefault(stored.EventType) + 1;
        switch (@event)
        {
            case OrderSubmitted e: Book.Apply(e); break;
            case OrderValidated e: Book.Apply(e); break;
            case OrderRejected e: Book.Apply(e); break;
            case OrderFulfilled e: Book.Apply(e); break;
            case OrderCancelled e: Book.Apply(e); break;
            case InventoryReserved e: Book.Apply(e); break;
            case InventoryUnavailable e: Book.Apply(e); break;
            case InventoryReleased e: Book.Apply(e); break;
            case PaymentProcessed e: Book.Apply(e); break;
            case PaymentDeclined e: Book.Apply(e); break;
            case PaymentRefunded e: Book.Apply(e); break;
            case NotificationSent e: Book.Apply(e); break;
        }
    }

    /// <inheritdoc />
    public void Reset(InMemoryProjectionWriter writer)
    {
        Book = new OrderBook();
        Rows = 0;
        _ids.Clear();
        _rowsByType.Clear();
    }
}
