using EventDriven;

namespace QuickStart;

/// <summary>Records what happened so the program can print it; a singleton shared by the handlers.</summary>
public sealed class Journal
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    public void Write(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }
}

[EventHandler(Order = 1, Idempotent = true)]
public sealed class ReserveStock(IEventBus bus, Journal journal) : IEventHandler<OrderSubmitted>
{
    public async ValueTask HandleAsync(OrderSubmitted @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"inventory: reserving stock for order {@event.OrderId:N}");
        // Derived from the cause, so a redelivered OrderSubmitted reserves with the same id.
        await bus.PublishAsync(new StockReserved(@event.Id, @event.OrderId, @event.OccurredAt), cancellationToken);
    }
}

[EventHandler(Order = 0, Idempotent = true)]
public sealed class ValidateOrder(Journal journal) : IEventHandler<OrderSubmitted>
{
    public ValueTask HandleAsync(OrderSubmitted @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"orders: order {@event.OrderId:N} for {@event.Total:0.00} is valid");
        return default;
    }
}

[EventHandler(Idempotent = true)]
public sealed class Audit(Journal journal) : IEventHandler<OrderSubmitted>, IEventHandler<StockReserved>
{
    public ValueTask HandleAsync(OrderSubmitted @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"audit: {@event.EventType} {@event.Id:N}");
        return default;
    }

    public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken = default)
    {
        journal.Write($"audit: {@event.EventType} {@event.Id:N}");
        return default;
    }
}
