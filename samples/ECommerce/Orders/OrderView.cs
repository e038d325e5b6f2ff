using ECommerce.Notifications;

namespace ECommerce.Orders;

/// <summary>One order as the order book sees it. Every field is set, never accumulated, so applying an event twice changes nothing.</summary>
public sealed class OrderView(Guid orderId)
{
    /// <summary>The order's id.</summary>
    public Guid OrderId { get; } = orderId;

    /// <summary>The shop's running order number.</summary>
    public int OrderNumber { get; set; }

    /// <summary>What has happened so far.</summary>
    public OrderMilestones Milestones { get; set; }

    /// <summary>The product ordered (as submitted).</summary>
    public string? Sku { get; set; }

    /// <summary>The units ordered (as submitted).</summary>
    public int Quantity { get; set; }

    /// <summary>The amount captured, 0 if none.</summary>
    public decimal Captured { get; set; }

    /// <summary>The amount given back (a late capture of a cancelled order).</summary>
    public decimal Refunded { get; set; }

    /// <summary>Why it was rejected, if it was.</summary>
    public RejectionReason? Rejection { get; set; }

    /// <summary>Why it was cancelled, if it was.</summary>
    public CancellationReason? Cancellation { get; set; }

    /// <summary>What the customer was last told.</summary>
    public NotificationKind? Notification { get; set; }

    /// <summary>The order's final state: the single final milestone, <see cref="OrderMilestones.None"/> while open, or several flags when the flow went wrong.</summary>
    public OrderMilestones FinalState => Milestones & OrderMilestones.Final;
}
