using ECommerce.Inventory;
using ECommerce.Notifications;
using ECommerce.Orders;
using ECommerce.Payments;
using ECommerce.Reporting;
using EventDriven;
using EventDriven.Dispatch;

namespace ECommerce.Distributed;

/// <summary>
/// One of the shop's services as a process of its own: the handlers it runs (picked from the one assembly by
/// <see cref="EventDrivenOptions.Handlers"/>), the events it owns and sends through its outbox, and its queue on the broker.
/// </summary>
/// <param name="Name">The name on the command line and in the summary, e.g. <c>payments</c>.</param>
/// <param name="Handlers">Adds this service's handlers to the selection.</param>
/// <param name="Owns">The event types this service publishes (and only it): its outbox sends them, its store is their record.</param>
public sealed record ShopService(string Name, Action<HandlerSelection> Handlers, IReadOnlyList<string> Owns)
{
    /// <summary>The shop front: the simulated customers' process. Places orders, follows them to their outcome, keeps the live order book.</summary>
    public static readonly ShopService Storefront = new(
        "storefront",
        static h => h.Include<TrackOutcomes>().Include<OrderBookProjection>(),
        ["OrderSubmitted"]);

    /// <summary>Validates orders and runs the order saga (reserve, pay, fulfil; or compensate).</summary>
    public static readonly ShopService Orders = new(
        "orders",
        static h => h.Include<ValidateOrder>().Include<OrderSaga>(),
        ["OrderValidated", "OrderRejected", "OrderFulfilled", "OrderCancelled", "InventoryReleaseRequested", "PaymentRefundRequested"]);

    /// <summary>Reserves, releases and commits stock.</summary>
    public static readonly ShopService Inventory = new(
        "inventory",
        static h => h.IncludeNamespace("ECommerce.Inventory"),
        ["InventoryReserved", "InventoryUnavailable", "InventoryReleased"]);

    /// <summary>Charges and refunds through the payment provider.</summary>
    public static readonly ShopService Payments = new(
        "payments",
        static h => h.IncludeNamespace("ECommerce.Payments"),
        ["PaymentProcessed", "PaymentDeclined", "PaymentRefunded"]);

    /// <summary>Tells customers what became of their orders.</summary>
    public static readonly ShopService Notifications = new(
        "notifications",
        static h => h.IncludeNamespace("ECommerce.Notifications"),
        ["NotificationSent"]);

    /// <summary>Keeps the complete trail: every event of every service, stored once; runs no handler.</summary>
    public static readonly ShopService Audit = new("audit", static h => h.IncludeNone(), []);

    /// <summary>The services the driver starts as processes, in start order (consumers before producers).</summary>
    public static IReadOnlyList<ShopService> Processes { get; } = [Audit, Notifications, Payments, Inventory, Orders];

    /// <summary>Every event type of the shop: what the audit trail subscribes to.</summary>
    public static IReadOnlyList<string> AllEventTypes { get; } = [.. new[] { Storefront, Orders, Inventory, Payments, Notifications }.SelectMany(static s => s.Owns)];

    /// <summary>The service named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ShopService? Find(string name)
        => new[] { Storefront, Orders, Inventory, Payments, Notifications, Audit }.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Its queue on the broker: all instances of a service share it (competing consumers).</summary>
    public string Endpoint => "ecommerce-" + Name;

    /// <summary>Whether the service keeps the order saga.</summary>
    public bool RunsOrderSaga => ReferenceEquals(this, Orders);
}
