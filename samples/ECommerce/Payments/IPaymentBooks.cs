namespace ECommerce.Payments;

/// <summary>The payment provider's books: what it captured and refunded, one of each at most per order.</summary>
public interface IPaymentBooks
{
    /// <summary>Every capture, by order id.</summary>
    IReadOnlyDictionary<Guid, Capture> CapturesByOrder { get; }

    /// <summary>Every refund, by order id.</summary>
    IReadOnlyDictionary<Guid, Refund> RefundsByOrder { get; }

    /// <summary>The capture of <paramref name="orderId"/>, if any.</summary>
    Capture? FindCapture(Guid orderId);

    /// <summary>The refund of <paramref name="orderId"/>, if any.</summary>
    Refund? FindRefund(Guid orderId);

    /// <summary>Records <paramref name="capture"/> as the order's capture.</summary>
    void RecordCapture(Guid orderId, Capture capture);

    /// <summary>Records <paramref name="refund"/> as the order's refund.</summary>
    void RecordRefund(Guid orderId, Refund refund);
}
