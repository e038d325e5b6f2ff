using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EventDriven.Dispatch;

namespace EventDriven.Ring;

/// <summary>
/// The slot storage of a ring between producers and one consumer (LMAX Disruptor style): pre-allocated event slots, struct
/// columns and context columns. Which sequences may be written or read is the <see cref="Sequencer"/>'s business: a producer claims
/// sequences there, writes the slots here, then publishes there; the consumer's stages read everything published as one batch here,
/// then the consumer advances its sequence there, which frees the slots.
/// </summary>
/// <remarks>
/// <para>
/// Class events travel by reference in the slot. Struct events travel in a per-type column (a <c>TEvent[]</c> parallel to the
/// slots, created the first time that type is published on this ring), so they are never boxed; the slot then holds only the
/// route, which knows the type.
/// </para>
/// </remarks>
internal sealed class EventRing
{
    private readonly Slot[] _slots;
    private readonly Lock _columnsGate = new();
    private object?[] _columns;
    private readonly int _mask;
    private readonly SlotContext[] _contexts;
    private readonly bool[] _hasContext;
    private int _receiptsPending;

    public EventRing(int capacity, ProducerType producerType, int partition)
    {
        Sequencer = new Sequencer(capacity, producerType);
        Capacity = capacity;
        Partition = partition;
        _mask = capacity - 1;
        _slots = new Slot[capacity];
        _contexts = new SlotContext[capacity];
        _hasContext = new bool[capacity];
        _columns = new object?[Math.Max(EventTypeIds.Count, 1) + 8];
    }

    /// <summary>Who may write and read which sequence of this ring.</summary>
    public Sequencer Sequencer { get; }

    public int Capacity { get; }

    public int Partition { get; }

    /// <summary>Claimed but not yet consumed: the queue depth.</summary>
    public long Depth => Sequencer.Depth;

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
        if (DispatchStage.OnConsumerThread || EventDrivenActivitySource.Source.HasListeners())
        {
            WriteContext(index);
        }
        else if (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_hasContext), index))
        {
            _hasContext[index] = false;
        }
    }

    /// <summary>True while a received event's receipt waits in some slot (<see cref="ReceiptStage"/> reads only this otherwise).</summary>
    public bool HasReceipts => Volatile.Read(ref _receiptsPending) != 0;

    /// <summary>
    /// For a claimed and written slot, before it is published: the ids a received event carried (instead of the publishing thread's
    /// context) and the receipt the consumer completes when it is done with the event.
    /// </summary>
    public void AttachReceived(long sequence, Transport.ReceivedEventContext received, DeliveryReceipt receipt)
    {
        int index = (int)(sequence & _mask);
        Activity? parent = EventDrivenActivitySource.Source.HasListeners() ? Activity.Current : null;
        _contexts[index] = new SlotContext(parent, received.CausationId, received.CorrelationId) { Receipt = receipt };
        _hasContext[index] = true;
        Interlocked.Increment(ref _receiptsPending);
    }

    /// <summary>Takes (and forgets) the receipt of <paramref name="sequence"/>, if a received event there has one.</summary>
    public DeliveryReceipt? TakeReceipt(long sequence)
    {
        int index = (int)(sequence & _mask);
        if (!_hasContext[index] || _contexts[index].Receipt is not { } receipt)
        {
            return null;
        }

        _contexts[index].Receipt = null;
        Interlocked.Decrement(ref _receiptsPending);
        return receipt;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Slot SlotAt(long sequence) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (int)(sequence & _mask));

    /// <summary>Reads the struct event of <paramref name="sequence"/> from its column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TEvent ColumnSlot<TEvent>(long sequence)
        => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Unsafe.As<TEvent[]>(Volatile.Read(ref _columns)[EventTypeId<TEvent>.Value])!), (int)(sequence & _mask));

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
        public DeliveryReceipt? Receipt;
    }
}
