using ECommerce.Orders;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Invariants;

/// <summary>
/// One pass over a run's events in the store: rows and distinct ids per event type, and a fresh <see cref="OrderBook"/> rebuilt by
/// replaying them through the same projection the live book used.
/// </summary>
/// <param name="Rows">Rows stored by the run.</param>
/// <param name="DistinctIds">Distinct event ids among them.</param>
/// <param name="RowsByType">Rows per event type.</param>
/// <param name="Replayed">The order book rebuilt from the store.</param>
/// <param name="Replay">What the replay reported (unreadable rows, failures).</param>
public sealed record StoreCensus(long Rows, long DistinctIds, IReadOnlyDictionary<string, long> RowsByType, OrderBook Replayed, ReplayResult Replay)
{
    /// <summary>Reads every event after <paramref name="afterPosition"/> once, counting and replaying.</summary>
    public static async Task<StoreCensus> TakeAsync(IEventStore store, long afterPosition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = new HashSet<Guid>();
        var rowsByType = new Dictionary<string, long>(StringComparer.Ordinal);
        long rows = 0;
        var projection = new OrderBookProjection(new OrderBook());
        EventReplay replay = new EventReplay(store.Serializer)
            .Handle<OrderSubmitted>(projection)
            .Handle<OrderValidated>(projection)
            .Handle<OrderRejected>(projection)
            .Handle<OrderFulfilled>(projection)
            .Handle<OrderCancelled>(projection)
            .Handle<Inventory.InventoryReserved>(projection)
            .Handle<Inventory.InventoryUnavailable>(projection)
            .Handle<Inventory.InventoryReleased>(projection)
            .Handle<Payments.PaymentProcessed>(projection)
            .Handle<Payments.PaymentDeclined>(projection)
            .Handle<Payments.PaymentRefunded>(projection)
            .Handle<Notifications.NotificationSent>(projection);

        ReplayResult result = await replay.RunAsync(Count(store.ReadAllAsync(afterPosition, cancellationToken)), cancellationToken).ConfigureAwait(false);
        return new StoreCensus(rows, ids.Count, rowsByType, projection.Book, result);

        // Counted as rows stream past, so unreadable rows are counted too: the store is read once.
        async IAsyncEnumerable<StoredEvent> Count(IAsyncEnumerable<StoredEvent> source)
        {
            await foreach (StoredEvent stored in source.ConfigureAwait(false))
            {
                rows++;
                ids.Add(stored.EventId);
                rowsByType[stored.EventType] = rowsByType.GetValueOrDefault(stored.EventType) + 1;
                yield return stored;
            }
        }
    }
}
