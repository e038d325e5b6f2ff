namespace ECommerce.Payments;

/// <summary>
/// A simulated payment provider with its own books. Charging is idempotent by payment id (as with a real provider's idempotency
/// key): a retried charge never takes the money twice. A configurable share of first attempts fail with
/// <see cref="TransientGatewayException"/> before charging, to exercise the bus's retry policy.
/// </summary>
/// <remarks>
/// Called only from the bus's consumer thread; read by the summary after the bus stopped. The books are the provider's, not the
/// shop's: in memory for the in-process job, a file of their own (<see cref="SqlitePaymentBooks"/>) shared by every Payments
/// process of a distributed run, as a real provider's are by every instance that calls it.
/// </remarks>
public sealed class PaymentGateway(double transientFailureRate, IPaymentBooks? books = null)
{
    private readonly IPaymentBooks _books = books ?? new InMemoryPaymentBooks();
    private readonly Dictionary<Guid, int> _attempts = [];

    /// <summary>Every captured payment, by order id.</summary>
    public IReadOnlyDictionary<Guid, Capture> CapturesByOrder => _books.CapturesByOrder;

    /// <summary>Every refunded payment, by order id.</summary>
    public IReadOnlyDictionary<Guid, Refund> RefundsByOrder => _books.RefundsByOrder;

    /// <summary>
    /// Called before the issuer answers a charge (tests only): with a fake clock, a test moves time past the order's payment timeout
    /// here, so the capture that follows arrives after the saga gave up, deterministically.
    /// </summary>
    internal Action<Guid>? BeforeIssuerAnswers { get; set; }

    /// <summary>Charges <paramref name="amount"/> to <paramref name="card"/> for <paramref name="orderId"/>.</summary>
    /// <exception cref="TransientGatewayException">The provider failed for a moment; nothing was charged.</exception>
    public PaymentOutcome Charge(Guid paymentId, Guid orderId, string card, decimal amount)
    {
        if (_books.FindCapture(orderId) is { } existing && existing.PaymentId == paymentId)
        {
            return PaymentOutcome.Captured;
        }

        int attempt = _attempts[paymentId] = _attempts.GetValueOrDefault(paymentId) + 1;
        if (attempt == 1 && FailsFirstAttempt(paymentId))
        {
            throw new TransientGatewayException(paymentId);
        }

        BeforeIssuerAnswers?.Invoke(orderId);
        switch (card)
        {
            case CardToken.Declined:
                return PaymentOutcome.Declined;
            case CardToken.Unresponsive:
                return PaymentOutcome.NoAnswer;
            default:
                _books.RecordCapture(orderId, new Capture(paymentId, amount));
                return PaymentOutcome.Captured;
        }
    }

    /// <summary>Gives back the whole of captured payment <paramref name="paymentId"/> of <paramref name="orderId"/>; refunding it again returns the same refund.</summary>
    /// <exception cref="InvalidOperationException">No capture of <paramref name="paymentId"/> exists for the order.</exception>
    public Refund Refund(Guid paymentId, Guid orderId)
    {
        if (_books.FindRefund(orderId) is { } existing && existing.PaymentId == paymentId)
        {
            return existing;
        }

        if (_books.FindCapture(orderId) is not { } capture || capture.PaymentId != paymentId)
        {
            throw new InvalidOperationException($"Refund of payment {paymentId} for order {orderId} refused: the provider captured no such payment, so there is nothing to give back.");
        }

        var refund = new Refund(paymentId, capture.Amount);
        _books.RecordRefund(orderId, refund);
        return refund;
    }

    /// <summary>Records a capture that never happened through the bookkeeping: only tests use it, to prove the payment invariant notices.</summary>
    internal void ForgeCapture(Guid orderId, decimal amount) => _books.RecordCapture(orderId, new Capture(Guid.Empty, amount));

    /// <summary>Whether this payment's first attempt fails: decided by the id, so runs with the same seed fail the same payments.</summary>
    private bool FailsFirstAttempt(Guid paymentId)
        => transientFailureRate > 0 && (uint)paymentId.GetHashCode() % 1_000_000 < transientFailureRate * 1_000_000;
}
