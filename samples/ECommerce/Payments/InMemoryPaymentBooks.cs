namespace ECommerce.Payments;

/// <summary>The provider's books in memory: for the in-process job, where the provider lives as long as the shop.</summary>
public sealed class InMemoryPaymentBooks : IPaymentBooks
{
    private readonly Dictionary<Guid, Capture> _captures = [];
    private readonly Dictionary<Guid, Refund> _refunds = [];

    /// <inheritdoc />
    public IReadOnlyDictionary<Guid, Capture> CapturesByOrder => _captures;

    /// <inheritdoc />
    public IReadOnlyDictionary<Guid, Refund> RefundsByOrder => _refunds;

    /// <inheritdoc />
    public Capture? FindCapture(Guid orderId) => _captures.GetValueOrDefault(orderId);

    /// <inheritdoc />
    public Refund? FindRefund(Guid orderId) => _refunds.GetValueOrDefault(orderId);

    /// <inheritdoc />
    public void RecordCapture(Guid orderId, Capture capture) => _captures[orderId] = capture;

    /// <inheritdoc />
    public void RecordRefund(Guid orderId, Refund refund) => _refunds[orderId] = refund;
}
