namespace ECommerce.Notifications;

/// <summary>What the customer was told.</summary>
public enum NotificationKind
{
    /// <summary>The order is on its way.</summary>
    OrderConfirmed = 1,

    /// <summary>The order was refused (invalid or out of stock).</summary>
    OrderRejected = 2,

    /// <summary>The order was cancelled and the stock released (payment declined or timed out).</summary>
    OrderCancelled = 3,
}
