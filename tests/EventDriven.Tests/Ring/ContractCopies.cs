using EventDriven;

// Two services' copies of one contract, with the same short type name and their own stored names: a real pattern.
namespace EventDriven.Tests.Ring.Ordering
{
    public sealed record OrderPaidCopy(Guid OrderId) : IEvent
    {
        public Guid Id { get; init; } = Guid.NewGuid();
        public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
        public string EventType => "ordering.order-paid";
        public string Source => "Ordering";
    }

    [EventHandler(Idempotent = true)]
    public sealed class OrderPaidCopyHandler : IEventHandler<OrderPaidCopy>
    {
        public ValueTask HandleAsync(OrderPaidCopy @event, CancellationToken cancellationToken = default) => default;
    }
}

namespace EventDriven.Tests.Ring.Billing
{
    public sealed record OrderPaidCopy(Guid OrderId) : IEvent
    {
        public Guid Id { get; init; } = Guid.NewGuid();
        public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
        public string EventType => "billing.order-paid";
        public string Source => "Billing";
    }

    [EventHandler(Idempotent = true)]
    public sealed class OrderPaidCopyHandler : IEventHandler<OrderPaidCopy>
    {
        public ValueTask HandleAsync(OrderPaidCopy @event, CancellationToken cancellationToken = default) => default;
    }
}
