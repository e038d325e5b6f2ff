using ECommerce.Inventory;
using ECommerce.Orders;
using ECommerce.Payments;
using ECommerce.Reporting;
using ECommerce.Simulation;
using EventDriven.Store;

namespace ECommerce.Cli;

/// <summary>The live parts of one run that the summary and the invariants read once the bus has stopped.</summary>
/// <param name="Options">The run's options.</param>
/// <param name="Catalog">The shop's products and opening stock.</param>
/// <param name="Stock">Inventory's warehouse.</param>
/// <param name="Gateway">Payments' provider and its captures.</param>
/// <param name="Book">The live order book (projection).</param>
/// <param name="Monitor">Progress, outcomes and latency.</param>
/// <param name="Metrics">What the bus counted per event type.</param>
/// <param name="Store">The event store.</param>
/// <param name="StartPosition">The store's last position before the run: this run's events come after it.</param>
public sealed record ShopRun(
    ShopJobOptions Options,
    ShopCatalog Catalog,
    StockLevels Stock,
    PaymentGateway Gateway,
    OrderBook Book,
    RunMonitor Monitor,
    BusMetrics Metrics,
    IEventStore Store,
    long StartPosition);
