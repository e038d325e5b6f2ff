namespace ECommerce.Orders;

/// <summary>Every event about one order is stored in one stream, named after the order.</summary>
public static class OrderStream
{
    /// <summary>The stream prefix: <c>order-</c>.</summary>
    public const string Prefix = "order-";

    /// <summary>The stream id of <paramref name="orderId"/>, e.g. <c>order-6f1c0e…</c>.</summary>
    public static string Id(Guid orderId) => Prefix + orderId.ToString("N");
}
