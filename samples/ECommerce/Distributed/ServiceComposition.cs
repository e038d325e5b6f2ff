using ECommerce.Orders;
using ECommerce.Payments;
using EventDriven;
using EventDriven.Sagas;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Distributed;

/// <summary>
/// How one service of the distributed shop is put together: its own SQLite database (events, inbox, saga state, outbox), the bus
/// running only its handlers, its outbox relayed to RabbitMQ and its queue consumed into the bus.
/// </summary>
public static class ServiceComposition
{
    /// <summary>Deliveries of one service the bus works on at once: enough for the store to commit many per group.</summary>
    public const int DeliveriesInFlight = 256;

    /// <summary>
    /// Registers <paramref name="service"/> on <paramref name="database"/>: a SQLite file, or with <see cref="DistributedSettings.Postgres"/>
    /// a schema on that server. The caller adds the service's own state (stock, provider, book).
    /// </summary>
    public static IServiceCollection AddShopService(this IServiceCollection services, ShopService service, DistributedSettings settings, string database)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Postgres is { } server)
        {
            services.AddEventDrivenPostgres(server, o =>
            {
                o.Schema = database;
                foreach (string eventType in service.Owns)
                {
                    o.Outbox.Include(eventType);
                }
            });
        }
        else
        {
            services.AddEventDrivenSqlite(database, o =>
            {
                foreach (string eventType in service.Owns)
                {
                    o.Outbox.Include(eventType);
                }
            });
        }

        services.AddEventDriven(o =>
        {
            o.DispatchMode = DispatchMode.RingBuffer;
            o.EventStorage = EventStorage.BeforeDispatch;
            o.StopTimeout = TimeSpan.FromSeconds(30);
            service.Handlers(o.Handlers);
            o.SetRetryPolicy<ChargeCustomer>(new RetryPolicy(MaxRetries: 3, InitialBackoff: TimeSpan.Zero));
            if (service.RunsOrderSaga)
            {
                // Each saga step waits for its commit (below), so steps of different orders overlap in sixteen partitions; every
                // event of one order goes to the same partition, in the order it arrived.
                o.Partitions = 16;
                o.PartitionBy<OrderSubmitted, Guid>(static e => e.OrderId)
                    .PartitionBy<OrderValidated, Guid>(static e => e.OrderId)
                    .PartitionBy<Inventory.InventoryReserved, Guid>(static e => e.OrderId)
                    .PartitionBy<Inventory.InventoryUnavailable, Guid>(static e => e.OrderId)
                    .PartitionBy<PaymentProcessed, Guid>(static e => e.OrderId)
                    .PartitionBy<PaymentDeclined, Guid>(static e => e.OrderId);
            }
        });

        services.AddEventDrivenRabbitMQ(o =>
        {
            o.Uri = settings.Broker;
            o.Exchange = settings.Exchange;
            o.Endpoint = service.Endpoint;
            o.PrefetchCount = DeliveriesInFlight * 2;
            o.ConsumerConcurrency = DeliveriesInFlight;
            if (ReferenceEquals(service, ShopService.Audit))
            {
                foreach (string eventType in ShopService.AllEventTypes)
                {
                    o.Subscribe(eventType);
                }
            }
        });

        if (service.RunsOrderSaga)
        {
            // AwaitCommit with the SQLite or PostgreSQL saga store: a step's state and the events it publishes commit in one transaction, and the
            // message that caused the step is acknowledged after that (the saga's receipt barrier). A kill can never keep the state
            // without its events (the order would wait forever) or the events without the state (a restart's timeout would contradict them).
            services.AddSaga<OrderSaga, OrderSagaState>(
                OrderSagaJson.Default.OrderSagaState,
                saga => OrderSaga.Define(saga, settings.PaymentTimeout),
                static saga => saga.Durability = SagaDurability.AwaitCommit);
        }

        return services;
    }
}
