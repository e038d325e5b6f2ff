using EventDriven;

namespace ECommerce.Payments;

/// <summary>
/// Gives back a payment that was captured for an order the shop had already cancelled. Idempotent by payment id (the provider
/// refunds a payment at most once), so a redelivered request refunds nothing twice and republishes the same <see cref="PaymentRefunded"/>.
/// </summary>
[EventHandler(Idempotent = true)]
public sealed class RefundPayment(IEventBus bus, PaymentGateway gateway) : IEventHandler<PaymentRefundRequested>
{
    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The payment was never captured: there is nothing to give back (a bug upstream; the bus dead-letters it).</exception>
    public ValueTask HandleAsync(PaymentRefundRequested @event, CancellationToken cancellationToken = default)
    {
        Refund refund = gateway.Refund(@event.PaymentId, @event.OrderId);
        return bus.PublishAsync(
            new PaymentRefunded(DeterministicId.From(@event.Id, nameof(PaymentRefunded)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, refund.PaymentId, refund.Amount),
            cancellationToken);
    }
}
