using EventDriven;

namespace EventDriven.Tests.Fixtures;

/// <summary>A class event that carries a producer id and a per-producer counter, for ordering checks.</summary>
public sealed record Tick(int Producer, int Number, Guid Key) : IPartitionedEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "Tick";
    public string Source => "Tests";
    public Guid PartitionKey => Key;
}

/// <summary>The struct twin of <see cref="Tick"/>: mixed with it to check order across event types.</summary>
public readonly record struct TickStruct(int Producer, int Number, Guid Id) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "TickStruct";
    public string Source => "Tests";
}

/// <summary>Collects (producer, number) pairs per partition thread; only the consumer of a partition writes its list.</summary>
public sealed class TickLog
{
    public readonly System.Collections.Concurrent.ConcurrentQueue<(int Producer, int Number)> Seen = new();
    public long AllocatedBefore = -1;
    public long AllocatedAfter = -1;
    public int ThreadBefore = -1;
    public int ThreadAfter = -1;
    public int MeasureFrom = -1;
    public int MeasureTo = -1;
}

#pragma warning disable ED0004 // The log of seen events is the observation the ordering tests assert on.
[EventHandler]
public sealed class TickHandler(TickLog log) : IEventHandler<Tick>, IEventHandler<TickStruct>
{
    public ValueTask HandleAsync(Tick @event, CancellationToken cancellationToken = default)
    {
        log.Seen.Enqueue((@event.Producer, @event.Number));
        return default;
    }

    public ValueTask HandleAsync(TickStruct @event, CancellationToken cancellationToken = default)
    {
        // Allocation probe for the consumer thread: reads the counter at two chosen events, allocates nothing itself.
        if (@event.Number == log.MeasureFrom)
        {
            log.ThreadBefore = Environment.CurrentManagedThreadId;
            log.AllocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        }
        else if (@event.Number == log.MeasureTo)
        {
            log.AllocatedAfter = GC.GetAllocatedBytesForCurrentThread();
            log.ThreadAfter = Environment.CurrentManagedThreadId;
        }
        else if (log.MeasureFrom < 0)
        {
            log.Seen.Enqueue((@event.Producer, @event.Number));
        }

        return default;
    }
}
#pragma warning restore ED0004

/// <summary>Fails the first <see cref="FailuresLeft"/> calls, counting every call.</summary>
public sealed class FlakyState
{
    public int Calls;
    public int FailuresLeft;
    public SemaphoreSlim Gate = new(int.MaxValue);
}

public sealed record FlakyEvent(int N) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "FlakyEvent";
    public string Source => "Tests";
}

#pragma warning disable ED0004 // Counting calls (and failures left) is what the retry tests assert on.
[EventHandler(Order = 0)]
public sealed class FlakyHandler(FlakyState state) : IEventHandler<FlakyEvent>
{
    public async ValueTask HandleAsync(FlakyEvent @event, CancellationToken cancellationToken = default)
    {
        await state.Gate.WaitAsync(cancellationToken);
        state.Gate.Release();
        Interlocked.Increment(ref state.Calls);
        if (Interlocked.Decrement(ref state.FailuresLeft) >= 0)
        {
            throw new IOException($"transient failure on call {state.Calls}");
        }
    }
}

[EventHandler(Order = 1)]
public sealed class SteadyFlakyNeighbour(Recorder recorder) : IEventHandler<FlakyEvent>
{
    public ValueTask HandleAsync(FlakyEvent @event, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref recorder.Count);
        return default;
    }
}
#pragma warning restore ED0004

/// <summary>For the stress test: a producer id, its counter and a checksum of both, so torn or mixed-up slots are detected.</summary>
public readonly record struct StressEvent(int Producer, int Number, long Checksum, Guid Id) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "StressEvent";
    public string Source => "Tests";

    public static long ChecksumOf(int producer, int number) => ((long)producer << 40) ^ (number * 2654435761L);
}

/// <summary>Checks, on the consumer thread, that each producer's events arrive exactly once and in order.</summary>
public sealed class StressLog
{
    public int[] Last = [];
    public long Received;
    public long OutOfOrder;
    public long Corrupted;

    public void Reset(int producers)
    {
        Last = Enumerable.Repeat(-1, producers).ToArray();
        Received = OutOfOrder = Corrupted = 0;
    }
}

#pragma warning disable ED0004 // Counters of received, out-of-order and corrupted events are the stress test's observation.
[EventHandler]
public sealed class StressHandler(StressLog log) : IEventHandler<StressEvent>
{
    public ValueTask HandleAsync(StressEvent @event, CancellationToken cancellationToken = default)
    {
        if (@event.Checksum != StressEvent.ChecksumOf(@event.Producer, @event.Number))
        {
            log.Corrupted++;
        }
        else if (@event.Number != log.Last[@event.Producer] + 1)
        {
            log.OutOfOrder++;
        }

        log.Last[@event.Producer] = @event.Number;
        log.Received++;
        return default;
    }
}
#pragma warning restore ED0004

public sealed record CauseEvent(int N) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "CauseEvent";
    public string Source => "Tests";
}

public sealed record EffectEvent(Guid Id) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "EffectEvent";
    public string Source => "Tests";
}

public sealed class ContextLog
{
    /// <summary>An ambient value a test sets around its publish; the handlers record what they see of it.</summary>
    public static readonly AsyncLocal<string?> Ambient = new();

    public readonly System.Collections.Concurrent.ConcurrentQueue<(string Event, EventContext Context)> Seen = new();

    public readonly System.Collections.Concurrent.ConcurrentQueue<string?> AmbientSeen = new();
}

[EventHandler(Idempotent = true)]
public sealed class CauseHandler(IEventBus bus, ContextLog log) : IEventHandler<CauseEvent>
{
    public ValueTask HandleAsync(CauseEvent @event, CancellationToken cancellationToken = default)
    {
        log.Seen.Enqueue(("cause", EventContext.Current));
        log.AmbientSeen.Enqueue(ContextLog.Ambient.Value);
        return bus.PublishAsync(new EffectEvent(DeterministicGuid(@event.Id)), cancellationToken);
    }

    private static Guid DeterministicGuid(Guid cause)
    {
        Span<byte> bytes = stackalloc byte[16];
        cause.TryWriteBytes(bytes);
        bytes[0] ^= 0x5A;
        return new Guid(bytes);
    }
}

[EventHandler(Idempotent = true)]
public sealed class EffectHandler(ContextLog log) : IEventHandler<EffectEvent>
{
    public ValueTask HandleAsync(EffectEvent @event, CancellationToken cancellationToken = default)
    {
        log.Seen.Enqueue(("effect", EventContext.Current));
        return default;
    }
}
