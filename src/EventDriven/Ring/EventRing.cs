using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EventDriven.Dispatch;

namespace EventDriven.Ring;

/// <summary>
/// A pre-allocated ring of event slots between producers and one consumer (LMAX Disruptor style). Sequences only grow; a
/// sequence <c>s</c> lives in slot <c>s &amp; (Capacity - 1)</c>. A producer claims sequences, writes the slots, then publishes
/// them; the consumer reads everything published as one batch and then advances its own sequence, which frees the slots.
/// </summary>
/// <remarks>
/// <para>
/// Class events travel by reference in the slot. Struct events travel in a per-type column (a <c>TEvent[]</c> parallel to the
/// slots, created the first time that type is published on this ring), so they are never boxed; the slot then holds only the
/// route, which knows the type.
/// </para>
/// <para>
/// Memory ordering: a producer's slot writes happen before its publish, which is a release write (<c>Volatile.Write</c> of the
/// cursor for one producer, of the slot's availability flag for many); the consumer reads those with acquire semantics
/// (<c>Volatile.Read</c>) before reading the slots. The consumer frees slots with a release write of its sequence, which
/// producers read with acquire semantics before reusing a slot.
/// </para>
/// </remarks>
internal sealed class EventRing
{
    private readonly Slot[] _slots;
    private readonly int[]? _available;
    private readonly Lock _columnsGate = new();
    private object?[] _columns;
    private readonly int _mask;
    private readonly int _lapShift;
    private readonly bool _singleProducer;

    // Each padded against false sharing: the cursor is written by producers, _consumed by the consumer.
    private PaddedLong _cursor;
    private PaddedLong _consumed;
    private PaddedLong _gatingCache;
    private PaddedLong _singleProducerNext; // padded: the consumer reads the fields next to it for every event
    private readonly SlotContext[] _contexts;
    private readonly bool[] _hasContext;

    private int _consumerSleeping;
    private int _producersWaiting;

    public EventRing(int capacity, ProducerType producerType, int partition)
    {
        if (capacity < 2 || !BitOperations.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The ring capacity must be a power of two of at least 2.");
        }

        Capacity = capacity;
        Partition = partition;
        _mask = capacity - 1;
        _lapShift = BitOperations.Log2((uint)capacity);
        _slots = new Slot[capacity];
        _contexts = new SlotContext[capacity];
        _hasContext = new bool[capacity];
        _columns = new object?[Math.Max(EventTypeIds.Count, 1) + 8];
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

    public int Partition { get; }

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

    /// <summary>Writes an event into a claimed slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write<TEvent>(long sequence, EventRoute<TEvent> route, TEvent @event)
        where TEvent : IEvent
    {
        ref Slot slot = ref SlotAt(sequence);
        slot.Route = route;
        if (typeof(TEvent).IsValueType)
        {
            Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Column<TEvent>()), (int)(sequence & _mask)) = @event;
        }
        else
        {
            slot.Reference = Unsafe.As<TEvent, object>(ref @event);
        }

        // The causing event (when a handler publishes) and the publisher's span (only when someone traces) travel with the event, in a
        // side column so the hot slot stays 16 bytes; a publish from outside any handler, untraced, only reads a flag.
        int index = (int)(sequence & _mask);
        if (EventProcessor.OnConsumerThread || EventDrivenActivitySource.Source.HasListeners())
        {
            WriteContext(index);
        }
        else if (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_hasContext), index))
        {
            _hasContext[index] = false;
        }
    }

    /// <summary>The causation, correlation and publisher span recorded for <paramref name="sequence"/>, if any.</summary>
    public bool TryGetContext(long sequence, out SlotContext context)
    {
        int index = (int)(sequence & _mask);
        if (_hasContext[index])
        {
            context = _contexts[index];
            return true;
        }

        context = default;
        return false;
    }

    /// <summary>Takes (and forgets) the publisher's span recorded for <paramref name="sequence"/>.</summary>
    public Activity? TakeParent(long sequence)
    {
        int index = (int)(sequence & _mask);
        if (!_hasContext[index])
        {
            return null;
        }

        Activity? parent = _contexts[index].Parent;
        _contexts[index].Parent = null;
        return parent;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteContext(int index)
    {
        EventContext cause = EventContext.Current;
        Activity? parent = EventDrivenActivitySource.Source.HasListeners() ? Activity.Current : null;
        if (!cause.IsActive && parent is null)
        {
            _hasContext[index] = false;
            return;
        }

        _contexts[index] = new SlotContext(parent, cause.EventId, cause.CorrelationId);
        _hasContext[index] = true;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Slot SlotAt(long sequence) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (int)(sequence & _mask));

    /// <summary>Reads the struct event of <paramref name="sequence"/> from its column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TEvent ColumnSlot<TEvent>(long sequence)
        => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Unsafe.As<TEvent[]>(Volatile.Read(ref _columns)[EventTypeId<TEvent>.Value])!), (int)(sequence & _mask));

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

    private TEvent[] Column<TEvent>()
    {
        int id = EventTypeId<TEvent>.Value;
        object?[] columns = Volatile.Read(ref _columns);
        if ((uint)id < (uint)columns.Length && columns[id] is { } column)
        {
            return Unsafe.As<TEvent[]>(column);
        }

        return AddColumn<TEvent>(id);
    }

    /// <summary>Creates the column of a struct event type on its first publish. Copy-on-write, so the consumer reads without locking.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TEvent[] AddColumn<TEvent>(int id)
    {
        lock (_columnsGate)
        {
            object?[] columns = _columns;
            if ((uint)id < (uint)columns.Length && columns[id] is { } existing)
            {
                return Unsafe.As<TEvent[]>(existing);
            }

            var grown = new object?[Math.Max(columns.Length, id + 1)];
            columns.CopyTo(grown, 0);
            var column = new TEvent[Capacity];
            grown[id] = column;
            Volatile.Write(ref _columns, grown);
            return column;
        }
    }

    /// <summary>One ring entry: the route knows the event type; the reference holds a class event (struct events live in columns).</summary>
    internal struct Slot
    {
        public RouteBase? Route;
        public object? Reference;
    }

    /// <summary>What travels with an event besides itself, kept beside the slots: the publisher's span and the causing event's ids.</summary>
    internal struct SlotContext(Activity? parent, Guid causationId, Guid correlationId)
    {
        public Activity? Parent = parent;
        public Guid CausationId = causationId;
        public Guid CorrelationId = correlationId;
    }
}
