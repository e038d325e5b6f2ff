using ECommerce.Inventory;
using ECommerce.Invariants;
using ECommerce.Payments;
using ECommerce.Simulation;
using EventDriven.Sqlite;
using EventDriven.Store;

namespace ECommerce.Distributed;

/// <summary>
/// What the services' own databases say once every process has stopped: the events each service published (its own types in its
/// own store), the audit trail (every event, replayed into a fresh order book), Inventory's warehouse rebuilt from its history, and
/// the payment provider's books.
/// </summary>
/// <param name="Published">Distinct ids per event type, from the stores of the services that own the type.</param>
/// <param name="Audit">The audit store's census: rows, distinct ids, rows per type, and the order book replayed from it.</param>
/// <param name="AuditIds">Every event id in the audit store.</param>
/// <param name="Stock">Inventory's warehouse, rebuilt from Inventory's store.</param>
/// <param name="Gateway">The payment provider, over its books.</param>
/// <param name="Received">Per process: distinct events it received and stored (the events of types it does not own).</param>
/// <param name="TrailTitle">The order whose audit trail <paramref name="Trail"/> is, and its outcome.</param>
/// <param name="Trail">One order's history, read back from the audit store.</param>
public sealed record DistributedCensus(
    IReadOnlyDictionary<string, HashSet<Guid>> Published,
    StoreCensus Audit,
    HashSet<Guid> AuditIds,
    StockLevels Stock,
    PaymentGateway Gateway,
    IReadOnlyDictionary<string, long> Received,
    string? TrailTitle,
    IReadOnlyList<string> Trail)
{
    /// <summary>Reads every database of the run once.</summary>
    /// <param name="databases">Each process's label, service and database: a SQLite file, or a schema on <paramref name="postgres"/> (the storefront's included).</param>
    /// <param name="postgres">The PostgreSQL server of the stores, or null for SQLite files.</param>
    /// <param name="catalog">The run's catalogue (opening stock).</param>
    /// <param name="providerBooks">The payment provider's books.</param>
    /// <param name="book">The shop front's live order book (which order's trail to show).</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static async Task<DistributedCensus> TakeAsync(IReadOnlyList<(string Label, ShopService Service, string Path)> databases, string? postgres, ShopCatalog catalog, SqlitePaymentBooks providerBooks, Orders.OrderBook book, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(databases);
        var published = new Dictionary<string, HashSet<Guid>>(StringComparer.Ordinal);
        foreach (string eventType in ShopService.AllEventTypes)
        {
            published[eventType] = [];
        }

        var received = new Dictionary<string, long>(StringComparer.Ordinal);
        var stock = new StockLevels(catalog);
        StoreCensus? audit = null;
        var auditIds = new HashSet<Guid>();
        (string? Title, IReadOnlyList<string> Lines) trail = (null, []);
        foreach ((string label, ShopService service, string path) in databases)
        {
            await using IAsyncDisposable opened = postgres is null
                ? new SqliteEventStore(path)
                : new EventDriven.PostgreSql.PostgresEventStore(new EventDriven.PostgreSql.PostgresStoreOptions { ConnectionString = postgres, Schema = path });
            var store = (IEventStore)opened;
            if (ReferenceEquals(service, ShopService.Audit))
            {
                audit = await StoreCensus.TakeAsync(store, 0, cancellationToken).ConfigureAwait(false);
                trail = await ECommerce.Audit.AuditTrail.ReadMostInstructiveAsync(store, book, cancellationToken).ConfigureAwait(false);
            }

            var receivedIds = new HashSet<Guid>();
            await foreach (StoredEvent stored in store.ReadAllAsync(0, cancellationToken).ConfigureAwait(false))
            {
                if (service.Owns.Contains(stored.EventType))
                {
                    published[stored.EventType].Add(stored.EventId);
                }
                else
                {
                    receivedIds.Add(stored.EventId);
                }

                if (ReferenceEquals(service, ShopService.Audit))
                {
                    auditIds.Add(stored.EventId);
                }
                else if (ReferenceEquals(service, ShopService.Inventory))
                {
                    stock.Replay(store.Serializer.Deserialize(stored));
                }
            }

            received[label] = receivedIds.Count;
        }

        return new DistributedCensus(
            published,
            audit ?? throw new InvalidOperationException("The run has no audit database."),
            auditIds,
            stock,
            new PaymentGateway(0, providerBooks.Snapshot()),
            received,
            trail.Title,
            trail.Lines);
    }

    /// <summary>Rows per event type the owning services published (distinct ids).</summary>
    public IReadOnlyDictionary<string, long> PublishedCounts => Published.ToDictionary(static p => p.Key, static p => (long)p.Value.Count, StringComparer.Ordinal);
}
