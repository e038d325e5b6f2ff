using System.Diagnostics;
using System.Runtime.CompilerServices;
using EventDriven.Dispatch;
using EventDriven.Store;

namespace EventDriven.Ring;

/// <summary>
/// The consumer loop of one ring (one partition), on a dedicated background thread as in the LMAX Disruptor: it takes every
/// published event as one batch, runs each through its route's generated dispatcher in sequence order, then frees the batch's
/// slots. A handler task that is not complete is waited for before the next event, so order holds per partition; a
/// synchronously completed one costs nothing extra.
/// </summary>
/// <remarks>
/// A dedicated thread rather than an async loop on the thread pool: waking it (<see cref="ManualResetEventSlim.Set()"/>) allocates
/// nothing, it never migrates between threads, and the pool is left to the application. The price is one blocked thread per
/// partition while an asynchronous handler is in flight.
/// </remarks>
internal sealed class EventProcessor
{
    private const int SpinsBeforeYield = 100;
    private const int YieldsBeforeSleep = 10;

    // Flows into the handlers' async continuations (set once per thread, so it costs nothing per event): lets a handler that
    // publishes into its own full ring be detected even after an await.
    private static readonly AsyncLocal<EventRing?> s_consuming = new();

    // Set once per consumer thread; with _dispatching it tells EventContext.Current which slot is being handled.
    [ThreadStatic]
    private static EventProcessor? t_processor;

    private readonly EventRing _ring;
    private readonly WaitStrategy _waitStrategy;
    private readonly EventDrivenMetrics _metrics;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _drainGate = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopRequested;
    private long _position = -1;
    private long _dispatching = -1;
    private long _abandoned;
    private long _faults;
    private readonly EventStoreWriter? _store;
    private readonly EventStorage _storage;

    public EventProcessor(EventRing ring, WaitStrategy waitStrategy, EventDrivenMetrics metrics, EventStoreWriter? store = null, EventStorage storage = EventStorage.None)
    {
        _ring = ring;
        _waitStrategy = waitStrategy;
        _metrics = metrics;
        _store = storage == EventStorage.None ? null : store;
        _storage = _store is null ? EventStorage.None : storage;
    }

    public EventRing Ring => _ring;

    /// <summary>Events this consumer appended to the event store.</summary>
    public long StoredCount => _store?.Stored ?? 0;

    /// <summary>Events the event store refused, dead-lettered by this consumer.</summary>
    public long StoreRejectedCount => _store?.Rejected ?? 0;

    /// <summary>Events published that the loop has not started yet.</summary>
    public long Lag => Math.Max(0, _ring.ClaimedSequence - Volatile.Read(ref _position));

    /// <summary>Events that could not be dispatched because the stop timeout cancelled the loop.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>Unexpected exceptions the loop survived (a failing dead-letter sink, a bug), not handler failures (those are retried and dead-lettered).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>
    /// True when the caller runs inside a handler of <paramref name="ring"/>'s consumer (also after an await): publishing into that
    /// full ring from here must not wait, because the consumer is waiting for this very handler.
    /// </summary>
    public static bool IsConsumerOf(EventRing ring) => s_consuming.Value == ring;

    /// <summary>The context of the event the calling consumer thread is dispatching; <c>default</c> on any other thread.</summary>
    public static EventContext CurrentContext()
    {
        EventProcessor? processor = t_processor;
        if (processor is null || processor._dispatching < 0)
        {
            return default;
        }

        long sequence = processor._dispatching;
        EventRing ring = processor._ring;
        Guid id = ring.SlotAt(sequence).Route!.ReadEventId(ring, sequence);
        return ring.TryGetContext(sequence, out EventRing.SlotContext context)
            ? new EventContext(id, context.CorrelationId == Guid.Empty ? id : context.CorrelationId, context.CausationId)
            : new EventContext(id, id, Guid.Empty);
    }

    /// <summary>True on a consumer thread while it dispatches (the only place a publish can have a causing event).</summary>
    public static bool OnConsumerThread
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_processor is { _dispatching: >= 0 };
    }

    /// <summary>True when the caller runs inside a handler of any ring consumer (also after an await).</summary>
    public static bool IsInsideHandler => s_consuming.Value is not null;

    public void Start()
    {
        var thread = new Thread(Run)
        {
            IsBackground = true,
            Name = $"EventDriven consumer {_ring.Partition}",
        };
        // Not the publisher's ExecutionContext: the consumer starts inside whichever publish came first, and would otherwise carry that
        // caller's AsyncLocals (its Activity.Current, a test's scope) into every handler it ever runs.
        thread.UnsafeStart();
    }

    /// <summary>Lets the loop finish what was published, then waits for it up to <paramref name="timeout"/>; past that, cancels the handlers.</summary>
    public async Task StopAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _stopRequested = true;
        _ring.WakeConsumer();
        Task finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        if (finished != _exited.Task)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            _ring.WakeConsumer();
            await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A producer that passed the running check just before stop may publish after the loop exited: it calls this, and the
    /// leftovers are dispatched on its thread, so an accepted event is never silently dropped.
    /// </summary>
    public void DrainAfterExit()
    {
        if (!_exited.Task.IsCompleted || _abort.IsCancellationRequested)
        {
            return;
        }

        lock (_drainGate)
        {
            EventProcessor? previous = t_processor;
            t_processor = this;
            try
            {
                DrainLeftovers();
            }
            finally
            {
                _dispatching = -1;
                t_processor = previous;
            }
        }
    }

    private void DrainLeftovers()
    {
        long next = _ring.ConsumedSequence + 1;
        long available = _ring.HighestPublished(next);
        if (available >= next && _storage == EventStorage.BeforeDispatch)
        {
            Store(next, available, CancellationToken.None);
        }

        for (long sequence = next; sequence <= available;)
        {
            sequence = _ring.SlotAt(sequence).Route!.DispatchRun(this, sequence, available, CancellationToken.None) + 1;
        }

        if (available >= next && _storage == EventStorage.AfterDispatch)
        {
            Store(next, available, CancellationToken.None);
        }

        if (available >= next)
        {
            _ring.MarkConsumed(available);
        }
    }

    private void Run()
    {
        s_consuming.Value = _ring;
        t_processor = this;
        CancellationToken abort = _abort.Token;
        long next = _ring.ConsumedSequence + 1;
        try
        {
            while (true)
            {
                long available = _ring.HighestPublished(next);
                if (available < next)
                {
                    if (_stopRequested && _ring.ClaimedSequence < next)
                    {
                        return; // Drained: nothing claimed is left.
                    }

                    if (abort.IsCancellationRequested)
                    {
                        Interlocked.Add(ref _abandoned, Math.Max(0, _ring.ClaimedSequence - _ring.ConsumedSequence));
                        return;
                    }

                    WaitForEvents(next);
                    continue;
                }

                Volatile.Write(ref _position, next);
                if (_storage == EventStorage.BeforeDispatch && !Store(next, available, abort))
                {
                    Interlocked.Add(ref _abandoned, available - next + 1);
                    _ring.MarkConsumed(available);
                    return;
                }

                for (long sequence = next; sequence <= available;)
                {
                    if (abort.IsCancellationRequested)
                    {
                        Interlocked.Add(ref _abandoned, available - sequence + 1);
                        _ring.MarkConsumed(available);
                        return;
                    }

                    // One virtual call per run of same-typed events; the route loops over the run with its event type known.
                    sequence = _ring.SlotAt(sequence).Route!.DispatchRun(this, sequence, available, abort) + 1;
                }

                if (_storage == EventStorage.AfterDispatch)
                {
                    Store(next, available, abort);
                }

                _ring.MarkConsumed(available);
                next = available + 1;
            }
        }
        finally
        {
            _exited.TrySetResult();
            DrainAfterExit();
        }
    }

    /// <summary>Appends a batch to the event store (store-and-publish); false when the stop timeout cancelled it.</summary>
    private bool Store(long from, long to, CancellationToken abort)
    {
        try
        {
            _store!.StoreRange(_ring, from, to, abort);
            return true;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception)
        {
            // The writer retries and dead-letters by itself; what reaches here is a bug or a failing fallback. Keep consuming.
            Interlocked.Increment(ref _faults);
            return true;
        }
    }

    /// <summary>Called by a route before each event of a run: records the slot <see cref="EventContext.Current"/> reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long BeginEvent(long sequence)
    {
        _dispatching = sequence;
        return _metrics.ProcessDurationEnabled ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>
    /// Waits for an event's dispatch and accounts for it. Handler failures never reach here (the failure policy retries and
    /// dead-letters them); what does is a fault of the policy or sink (counted) or the stop timeout's cancellation.
    /// </summary>
    /// <returns>False when the stop timeout cancelled the dispatch: the run must end.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool EndEvent(ValueTask dispatch, string eventTypeName, long start, CancellationToken abort)
    {
        if (dispatch.IsCompletedSuccessfully)
        {
            dispatch.GetAwaiter().GetResult();
        }
        else if (!WaitSlow(dispatch, abort))
        {
            return false;
        }

        // The slot keeps its reference until a producer reuses it (as in the LMAX Disruptor): clearing it here would write to the
        // cache line the producer is filling a few slots ahead, and that false sharing cost more than the retained events.
        _metrics.RecordHandled(eventTypeName, start);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool WaitSlow(ValueTask dispatch, CancellationToken abort)
    {
        try
        {
            dispatch.AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            Interlocked.Increment(ref _abandoned);
            return false;
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _faults);
        }

        return true;
    }

    private void WaitForEvents(long next)
    {
        for (int spin = 0; spin < SpinsBeforeYield; spin++)
        {
            if (_ring.HighestPublished(next) >= next || _stopRequested)
            {
                return;
            }

            Thread.SpinWait(20);
        }

        if (_waitStrategy == WaitStrategy.BusySpin)
        {
            return;
        }

        for (int yield = 0; yield < YieldsBeforeSleep; yield++)
        {
            if (_ring.HighestPublished(next) >= next || _stopRequested)
            {
                return;
            }

            Thread.Yield();
        }

        if (_waitStrategy == WaitStrategy.Yielding)
        {
            return; // Back to the loop, which re-checks stop and spins again.
        }

        _ring.ConsumerSignal.Reset();
        if (_ring.PrepareToSleep(next) && !_stopRequested && !_abort.IsCancellationRequested)
        {
            _ring.ConsumerSignal.Wait();
        }

        _ring.Awake();
    }
}
