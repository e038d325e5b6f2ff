namespace EventDriven.Testing.Tests;

public sealed record OrderSubmitted(Guid OrderId, decimal Total) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => nameof(OrderSubmitted);
    public string Source => "Orders";
}

public sealed record OrderValidated(Guid OrderId, decimal Total) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => nameof(OrderValidated);
    public string Source => "Orders";
}

public readonly record struct StockCounted(Guid Id, int Units) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => nameof(StockCounted);
    public string Source => "Inventory";
}

/// <summary>The seed's order handler: validates a submitted order and publishes the result (orders over 10,000 are refused).</summary>
[EventHandler(Idempotent = true)]
public sealed class ValidateOrder(IEventBus bus) : IEventHandler<OrderSubmitted>
{
    public ValueTask HandleAsync(OrderSubmitted @event, CancellationToken cancellationToken = default)
        => @event.Total is > 0 and <= 10_000
            ? bus.PublishAsync(new OrderValidated(@event.OrderId, @event.Total) { Id = DeterministicId.From(@event.Id, nameof(OrderValidated)) }, cancellationToken)
            : default;
}

/// <summary>Remembers validated orders (what the seed's integration test subscribes).</summary>
[EventHandler(Idempotent = true)]
public sealed class ValidatedOrders : IEventHandler<OrderValidated>
{
    private readonly List<Guid> _orders = [];

    public IReadOnlyList<Guid> Orders => _orders;

    public ValueTask HandleAsync(OrderValidated @event, CancellationToken cancellationToken = default)
    {
        _orders.Add(@event.OrderId);
        return default;
    }
}

/// <summary>Sums counted stock (a struct event's handler).</summary>
[EventHandler(Idempotent = true)]
public sealed class StockLedger : IEventHandler<StockCounted>
{
    public int Units { get; private set; }

    public ValueTask HandleAsync(StockCounted @event, CancellationToken cancellationToken = default)
    {
        Units += @event.Units;
        return default;
    }
}
