using System.Runtime.CompilerServices;
using EventDriven;

namespace EventDriven.Benchmarks.Dispatch;

/// <summary>Where the handlers add their work, so the JIT cannot drop the calls as dead code.</summary>
public sealed class Sink
{
    public long Total;
}

// Three synchronous handlers per event: the work is one add, so the benchmark measures dispatch, not handlers.
[EventHandler]
public sealed class HandlerA(Sink sink) : IEventHandler<OrderPlaced>, IEventHandler<PriceChanged>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(PriceChanged @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Price;
        return default;
    }
}

[EventHandler]
public sealed class HandlerB(Sink sink) : IEventHandler<OrderPlaced>, IEventHandler<PriceChanged>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        sink.Total += 1;
        return default;
    }

    public ValueTask HandleAsync(PriceChanged @event, CancellationToken cancellationToken = default)
    {
        sink.Total += 1;
        return default;
    }
}

[EventHandler]
public sealed class HandlerC(Sink sink) : IEventHandler<OrderPlaced>, IEventHandler<PriceChanged>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
    {
        sink.Total ^= 7;
        return default;
    }

    public ValueTask HandleAsync(PriceChanged @event, CancellationToken cancellationToken = default)
    {
        sink.Total ^= 7;
        return default;
    }
}

/// <summary>The floor: the three handlers called by hand, through a method the JIT may not inline (as a bus's call site would be).</summary>
public sealed class HandWrittenDispatch(HandlerA a, HandlerB b, HandlerC c)
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public ValueTask Publish(OrderPlaced @event)
    {
        a.HandleAsync(@event).GetAwaiter().GetResult();
        b.HandleAsync(@event).GetAwaiter().GetResult();
        return c.HandleAsync(@event);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public ValueTask Publish(PriceChanged @event)
    {
        a.HandleAsync(@event).GetAwaiter().GetResult();
        b.HandleAsync(@event).GetAwaiter().GetResult();
        return c.HandleAsync(@event);
    }
}
