namespace ECommerce.Orders;

/// <summary>What has happened to an order, as flags: setting a flag twice is the same as once, which keeps projections idempotent.</summary>
[Flags]
public enum OrderMilestones
{
    /// <summary>Nothing yet.</summary>
    None = 0,

    /// <summary>The customer placed it.</summary>
    Submitted = 1 << 0,

    /// <summary>It passed validation.</summary>
    Validated = 1 << 1,

    /// <summary>Its stock was reserved.</summary>
    Reserved = 1 << 2,

    /// <summary>Inventory had too few units.</summary>
    Unavailable = 1 << 3,

    /// <summary>Its payment was captured.</summary>
    Paid = 1 << 4,

    /// <summary>Its payment was declined.</summary>
    Declined = 1 << 5,

    /// <summary>Its reserved stock was released (compensation).</summary>
    Released = 1 << 6,

    /// <summary>Final: fulfilled.</summary>
    Fulfilled = 1 << 7,

    /// <summary>Final: rejected (invalid or out of stock).</summary>
    Rejected = 1 << 8,

    /// <summary>Final: cancelled after compensation.</summary>
    Cancelled = 1 << 9,

    /// <summary>The customer was notified.</summary>
    Notified = 1 << 10,

    /// <summary>A capture that came after the order was cancelled was given back (<c>PaymentRefunded</c>).</summary>
    Refunded = 1 << 11,

    /// <summary>The final states: exactly one of them per order is the first invariant.</summary>
    Final = Fulfilled | Rejected | Cancelled,
}
