using ECommerce.Inventory;
using ECommerce.Payments;
using EventDriven;
using EventDriven.Sagas;

namespace ECommerce.Orders;

/// <summary>
/// The order saga (a process manager, one instance per order id, state persisted by the saga store): it starts when an order is
/// validated, completes the order when payment is captured, rejects it when stock is short, and compensates when payment is
/// declined or the payment provider does not answer in time: the reserved stock is released, the order cancelled. A capture that
/// arrives after that (the provider answered late) is refunded.
/// </summary>
/// <remarks>
/// The class only declares the saga: <see cref="Define"/> names each event once, in its role, and the source generator writes the
/// <c>IEventHandler&lt;TEvent&gt;</c> glue that hands each of those events to the saga runtime (in the other part of this partial
/// class). The runtime records the ids it handled with the state, so a redelivered event has no second effect, and runs each
/// compensation once, newest first.
/// </remarks>
[EventHandler(Idempotent = true)]
public sealed partial class OrderSaga(SagaRuntime<OrderSagaState> runtime)
{
    /// <summary>The reason the runtime records when the payment timeout fires.</summary>
    public const string TimedOut = "timed out";

    /// <summary>Declares the saga: each event's role, the compensation of the reservation, and the payment timeout.</summary>
    /// <param name="saga">The definition to fill.</param>
    /// <param name="paymentTimeout">How long after the reservation the payment provider has to answer.</param>
    public static void Define(SagaDefinition<OrderSagaState> saga, TimeSpan paymentTimeout)
    {
        ArgumentNullException.ThrowIfNull(saga);
        saga.StartsWith<OrderValidated>(static e => e.OrderId, static (s, e, ctx) =>
            {
                s.OrderId = e.OrderId;
                s.OrderNumber = e.OrderNumber;
                s.CustomerNumber = e.CustomerNumber;
                s.Amount = e.Amount;
                return ValueTask.CompletedTask;
            })
            .Step<InventoryReserved>(
                static e => e.OrderId,
                handle: static (s, e, ctx) =>
                {
                    s.Reserved = true;
                    return ValueTask.CompletedTask;
                },
                // Undoing the reservation is Inventory's job: the saga asks for it (once, even if events are redelivered).
                compensate: static (s, ctx) => ctx.PublishAsync(new InventoryReleaseRequested(ctx.DeriveId(nameof(InventoryReleaseRequested)), ctx.Now, s.OrderId, s.OrderNumber, s.CustomerNumber, ctx.CompensationReason ?? TimedOut)),
                timeout: paymentTimeout)
            .CompleteOn<InventoryUnavailable>(static e => e.OrderId, static (s, e, ctx) =>
                ctx.PublishAsync(new OrderRejected(ctx.DeriveId(nameof(OrderRejected)), e.OccurredAt, s.OrderId, s.OrderNumber, s.CustomerNumber, RejectionReason.OutOfStock)))
            .CompleteOn<PaymentProcessed>(static e => e.OrderId, static (s, e, ctx) =>
                ctx.PublishAsync(new OrderFulfilled(ctx.DeriveId(nameof(OrderFulfilled)), e.OccurredAt, s.OrderId, s.OrderNumber, s.CustomerNumber, e.Amount)))
            .CompensateOn<PaymentDeclined>(static e => e.OrderId)
            // The payment provider may answer after the payment timeout cancelled the order: no provider promises otherwise. A capture
            // that arrives then is money taken for a cancelled order, so the saga asks Payments to give it back (once per capture:
            // the runtime records the late event's id, and the request's id derives from it).
            .WhenLate<PaymentProcessed>(static (s, e, ctx) =>
                ctx.PublishAsync(new PaymentRefundRequested(ctx.DeriveId(nameof(PaymentRefundRequested)), ctx.Now, s.OrderId, s.OrderNumber, s.CustomerNumber, e.PaymentId, e.Amount)))
            // A decline after the timeout took nothing: there is nothing to undo, and saying so keeps it out of the late-event warnings.
            .WhenLate<PaymentDeclined>(static (s, e, ctx) => ValueTask.CompletedTask)
            .WhenCompensated(static (s, ctx) =>
            {
                CancellationReason reason = ctx.CompensationReason == TimedOut ? CancellationReason.PaymentTimedOut : CancellationReason.PaymentDeclined;
                return ctx.PublishAsync(new OrderCancelled(ctx.DeriveId(nameof(OrderCancelled)), ctx.Now, s.OrderId, s.OrderNumber, s.CustomerNumber, reason));
            });
    }
}
