using EventDriven;

namespace ECommerce.Payments;

/// <summary>Takes payment for an order whose stock is reserved. A payment that gets no answer publishes nothing: the order saga's timeout handles it.</summary>
/// <remarks>
/// Retried by the bus on <see cref="TransientGatewayException"/> (see the job's retry policy): safe because the payment id derives
/// from the cause and the gateway charges each payment id at most once.
/// </remarks>
// Order 10: the order saga (order 0) starts the payment clock for this reservation before the provider is asked, as a service
// awaiting a remote answer would.
[EventHandler(Order = 10, Idempotent = true)]
public sealed class ChargeCustomer(IEventBus bus, PaymentGateway gateway) : IEventHandler<Inventory.InventoryReserved>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(Inventory.InventoryReserved @event, CancellationToken cancellationToken = default)
    {
        Guid paymentId = DeterministicId.From(@event.Id, "Payment");
        return gateway.Charge(paymentId, @event.OrderId, @event.Card, @event.Amount) switch
        {
            PaymentOutcome.Captured => bus.PublishAsync(
                new PaymentProcessed(DeterministicId.From(@event.Id, nameof(PaymentProcessed)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, paymentId, @event.Amount),
                cancellationToken),
            PaymentOutcome.Declined => bus.PublishAsync(
                new PaymentDeclined(DeterministicId.From(@event.Id, nameof(PaymentDeclined)), @event.OccurredAt, @event.OrderId, @event.OrderNumber, @event.CustomerNumber, paymentId, "insufficient funds"),
                cancellationToken),
            _ => default,
        };
    }
}
