using System.Runtime.InteropServices;
using EventDriven;

namespace EventDriven.Benchmarks.Ring;

/// <summary>
/// Where the ring handlers add their work, plus <see cref="Handled"/>, the count of events the last handler finished: the benchmark
/// thread spins on it to know when the consumer is done. Padded to its own cache lines, so nothing the producer writes shares them.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
public sealed class RingSink
{
    [FieldOffset(64)]
    public long Total;

    /// <summary>Written only by the consumer thread (release), read by the benchmark thread (acquire).</summary>
    [FieldOffset(72)]
    public long Handled;
}

/// <summary>One <see cref="RingSink"/> per partition (lane) of <see cref="KeyedOrder"/>.</summary>
public sealed class LaneSinks
{
    public RingSink[] Lanes { get; } = [new RingSink(), new RingSink()];

    public long Handled => Volatile.Read(ref Lanes[0].Handled) + Volatile.Read(ref Lanes[1].Handled);
}

// The three synchronous handlers of Dispatch/BenchmarkHandlers.cs (HandlerA/B/C: one add, one increment, one xor), for the ring
// event types. The last one (C, by name order) also counts the event as handled: one more store per event, the same in every
// benchmark (the Channel and raw-ring consumers call these very classes).

[EventHandler]
public sealed class RingHandlerA(RingSink sink) : IEventHandler<RingOrder>, IEventHandler<RingPrice>
{
    public ValueTask HandleAsync(RingOrder @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }

    public ValueTask HandleAsync(RingPrice @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Price;
        return default;
    }
}

[EventHandler]
public sealed class RingHandlerB(RingSink sink) : IEventHandler<RingOrder>, IEventHandler<RingPrice>
{
    public ValueTask HandleAsync(RingOrder @event, CancellationToken cancellationToken = default)
    {
        sink.Total += 1;
        return default;
    }

    public ValueTask HandleAsync(RingPrice @event, CancellationToken cancellationToken = default)
    {
        sink.Total += 1;
        return default;
    }
}

[EventHandler]
public sealed class RingHandlerC(RingSink sink) : IEventHandler<RingOrder>, IEventHandler<RingPrice>
{
    public ValueTask HandleAsync(RingOrder @event, CancellationToken cancellationToken = default)
    {
        sink.Total ^= 7;
        Volatile.Write(ref sink.Handled, sink.Handled + 1);
        return default;
    }

    public ValueTask HandleAsync(RingPrice @event, CancellationToken cancellationToken = default)
    {
        sink.Total ^= 7;
        Volatile.Write(ref sink.Handled, sink.Handled + 1);
        return default;
    }
}

// The same three handlers for the keyed event, writing the sink of the event's lane (= its partition).

[EventHandler]
public sealed class KeyedHandlerA(LaneSinks sinks) : IEventHandler<KeyedOrder>
{
    public ValueTask HandleAsync(KeyedOrder @event, CancellationToken cancellationToken = default)
    {
        sinks.Lanes[@event.Lane].Total += @event.Amount;
        return default;
    }
}

[EventHandler]
public sealed class KeyedHandlerB(LaneSinks sinks) : IEventHandler<KeyedOrder>
{
    public ValueTask HandleAsync(KeyedOrder @event, CancellationToken cancellationToken = default)
    {
        sinks.Lanes[@event.Lane].Total += 1;
        return default;
    }
}

[EventHandler]
public sealed class KeyedHandlerC(LaneSinks sinks) : IEventHandler<KeyedOrder>
{
    public ValueTask HandleAsync(KeyedOrder @event, CancellationToken cancellationToken = default)
    {
        RingSink sink = sinks.Lanes[@event.Lane];
        sink.Total ^= 7;
        Volatile.Write(ref sink.Handled, sink.Handled + 1);
        return default;
    }
}
