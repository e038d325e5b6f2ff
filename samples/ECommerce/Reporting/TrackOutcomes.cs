using ECommerce.Orders;
using EventDriven;

namespace ECommerce.Reporting;

/// <summary>Feeds final states to the <see cref="RunMonitor"/>: progress, latency, and the customer waiting for the outcome.</summary>
/// <remarks>The monitor records each order's first final state only, so a redelivered final event (same id) changes no figure.</remarks>
[EventHandler(Order = 200, Idempotent = true)]
public sealed class TrackOutcomes(RunMonitor monitor) : IEventHandler<OrderFulfilled>, IEventHandler<OrderRejected>, IEventHandler<OrderCancelled>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(OrderFulfilled @event, CancellationToken cancellationToken = default)
    {
        monitor.Finish(@event.OrderNumber, OrderOutcome.Fulfilled, @event.Id);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderRejected @event, CancellationToken cancellationToken = default)
    {
        monitor.Finish(@event.OrderNumber, OrderOutcome.Rejected, @event.Id);
        return default;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderCancelled @event, CancellationToken cancellationToken = default)
    {
        monitor.Finish(@event.OrderNumber, OrderOutcome.Cancelled, @event.Id);
        return default;
    }
}
