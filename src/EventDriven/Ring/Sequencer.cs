using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EventDriven.Ring;

/// <summary>
/// The sequencing half of a ring (LMAX Disruptor's sequencer): which sequences producers have claimed and published, which the
/// consumer has finished, and the signals that wake a sleeping consumer or waiting producers. It knows nothing of what the slots
/// hold; <see cref="EventRing"/> stores the events. Sequences only grow; sequence <c>s</c> lives in slot <c>s &amp; (Capacity - 1)</c>.
/// </summary>
/// <remarks>
/// Memory ordering: a producer's slot writes happen before its publish, which is a release write (<c>Volatile.Write</c> of the
/// cursor for one producer, of the slot's availability flag for many); the consumer reads those with acquire semantics
/// (<c>Volatile.Read</c>) before reading the slots. The consumer frees slots with a release write of its sequence, which producers
/// read with acquire semantics before reusing a slot.
/// </remarks>
internal sealed class Sequencer
{
    private readonly int[]? _available;
    private readonly int _mask;
    private readonly int _lapShift;
    private readonly bool _singleProducer;

    // Each padded against false sharing: the cursor is written by producers, _consumed by the consumer.
    private PaddedLong _cursor;
    private PaddedLong _consumed;
    private PaddedLong _gatingCache;
    private PaddedLong _singleProducerNext; // padded: the consumer reads the fields next to it for every event

    private int _consumerSleeping;
    private int _producersWaiting;

    public Sequencer(int capacity, ProducerType producerType)
    {
        if (capacity < 2 || !BitOperations.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The ring capacity must be a power of two of at least 2.");
        }

        Capacity = capacity;
        _mask = capacity - 1;
        _lapShift = BitOperations.Log2((uint)capacity);
        _singleProducer = producerType == ProducerType.Single;
        if (!_singleProducer)
        {
            _available = new int[capacity];
            _available.AsSpan().Fill(-1);
        }

        _cursor.SetValue(-1);
        _singleProducerNext.SetValue(-1);
        _consumed.SetValue(-1);
        _gatingCache.SetValue(-1);
    }

    public int Capacity { get; }

    /// <summary>Wakes the consumer when it sleeps (see <see cref="WaitStrategy.Blocking"/>). Setting it allocates nothing.</summary>
    public ManualResetEventSlim ConsumerSignal { get; } = new(false, spinCount: 0);

    /// <summary>
    /// Wakes producers waiting for space (see <see cref="BackpressureMode.Wait"/>). A semaphore because several producers may wait;
    /// releasing it does not allocate on the consumer. A permit left over after a waiter timed out only causes a harmless re-check.
    /// </summary>
    public SemaphoreSlim SpaceSignal { get; } = new(0);

    /// <summary>The highest sequence the consumer has finished; everything up to it is free.</summary>
    public long ConsumedSequence => _consumed.Value;

    /// <summary>The highest sequence claimed by a producer (published or about to be).</summary>
    public long ClaimedSequence => _singleProducer ? _singleProducerNext.Value : _cursor.Value;

    /// <summary>Claimed but not yet consumed: the queue depth.</summary>
    public long Depth => Math.Max(0, ClaimedSequence - ConsumedSequence);

    /// <summary>Claims <paramref name="count"/> consecutive sequences, ending at <paramref name="high"/>; false when the ring lacks the space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryClaim(int count, out long high)
    {
        if (_singleProducer)
        {
            long next = _singleProducerNext.PlainValue + count;
            if (next - Capacity > _gatingCache.PlainValue && next - Capacity > RefreshGatingCache())
            {
                high = 0;
                return false;
            }

            _singleProducerNext.SetValue(next);
            high = next;
            return true;
        }

        while (true)
        {
            long current = _cursor.Value;
            long next = current + count;
            if (next - Capacity > _gatingCache.Value && next - Capacity > RefreshGatingCache())
            {
                high = 0;
                return false;
            }

            if (_cursor.CompareAndSet(current, next))
            {
                high = next;
                return true;
            }
        }
    }

    /// <summary>Claims as many consecutive sequences as are free, up to <paramref name="max"/>, ending at <paramref name="high"/>; returns how many (0 when full).</summary>
    public int TryClaimUpTo(int max, out long high)
    {
        while (true)
        {
            long current = _singleProducer ? _singleProducerNext.PlainValue : _cursor.Value;
            long free = Capacity - (current - _gatingCache.Value);
            if (free < max)
            {
                free = Capacity - (current - RefreshGatingCache());
            }

            if (free <= 0)
            {
                high = 0;
                return 0;
            }

            int count = (int)Math.Min(max, free);
            if (_singleProducer)
            {
                _singleProducerNext.SetValue(current + count);
            }
            else if (!_cursor.CompareAndSet(current, current + count))
            {
                continue;
            }

            high = current + count;
            return count;
        }
    }

    /// <summary>Makes claimed and written sequences <paramref name="low"/>..<paramref name="high"/> visible to the consumer, and wakes it if it sleeps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long low, long high)
    {
        if (_singleProducer)
        {
            _cursor.SetValue(high);
        }
        else
        {
            ref int available = ref MemoryMarshal.GetArrayDataReference(_available!);
            for (long sequence = low; sequence <= high; sequence++)
            {
                Volatile.Write(ref Unsafe.Add(ref available, (int)(sequence & _mask)), (int)(sequence >>> _lapShift));
            }
        }

        if (Volatile.Read(ref _consumerSleeping) != 0)
        {
            WakeConsumer();
        }
    }

    /// <summary>The highest sequence at or after <paramref name="next"/> - 1 up to which every slot is published.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long HighestPublished(long next)
    {
        long cursor = _cursor.Value;
        if (_singleProducer)
        {
            return cursor;
        }

        ref int available = ref MemoryMarshal.GetArrayDataReference(_available!);
        for (long sequence = next; sequence <= cursor; sequence++)
        {
            if (Volatile.Read(ref Unsafe.Add(ref available, (int)(sequence & _mask))) != (int)(sequence >>> _lapShift))
            {
                return sequence - 1;
            }
        }

        return cursor;
    }

    /// <summary>Frees every slot up to <paramref name="sequence"/> and wakes producers waiting for space.</summary>
    public void MarkConsumed(long sequence)
    {
        _consumed.SetValue(sequence);
        int waiting = Volatile.Read(ref _producersWaiting);
        if (waiting != 0)
        {
            SpaceSignal.Release(waiting);
        }
    }

    /// <summary>
    /// Declares the consumer asleep and re-checks for work. Returns false (stay awake) when something was published meanwhile.
    /// </summary>
    /// <remarks>
    /// Producers publish with a release write and then read <c>_consumerSleeping</c> without a full fence, which alone could let
    /// the consumer sleep through a publish (store-load reordering). <see cref="Interlocked.MemoryBarrierProcessWide"/> on this
    /// rare path serializes every producer core, so either the producer sees the flag or the consumer sees the publish; the
    /// producers' hot path pays nothing.
    /// </remarks>
    public bool PrepareToSleep(long next)
    {
        Volatile.Write(ref _consumerSleeping, 1);
        Interlocked.MemoryBarrierProcessWide();
        if (HighestPublished(next) >= next)
        {
            Volatile.Write(ref _consumerSleeping, 0);
            return false;
        }

        return true;
    }

    public void Awake() => Volatile.Write(ref _consumerSleeping, 0);

    /// <summary>Same protocol as <see cref="PrepareToSleep"/>, for producers waiting on a full ring.</summary>
    public void AddWaitingProducer()
    {
        Interlocked.Increment(ref _producersWaiting);
        Interlocked.MemoryBarrierProcessWide();
    }

    public void RemoveWaitingProducer() => Interlocked.Decrement(ref _producersWaiting);

    public void WakeConsumer()
    {
        if (Interlocked.Exchange(ref _consumerSleeping, 0) != 0)
        {
            ConsumerSignal.Set();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long RefreshGatingCache()
    {
        long consumed = _consumed.Value;
        _gatingCache.SetValue(consumed);
        return consumed;
    }
}
