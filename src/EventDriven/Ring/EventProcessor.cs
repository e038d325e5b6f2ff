using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using EventDriven.Dispatch;
using EventDriven.Store;

namespace EventDriven.Ring;

/// <summary>
/// The consumer of one ring (one partition), on a dedicated background thread as in the LMAX Disruptor: it takes every published
/// event as one batch, runs the batch through its <see cref="IConsumerStage"/>s in order (store, dispatch, ...), then frees the
/// batch's slots. What a consumer does is its stages; this class only waits for batches, stops and drains.
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

    private readonly EventRing _ring;
    private readonly Sequencer _sequencer;
    private readonly IConsumerStage[] _stages;
    private readonly WaitStrategy _waitStrategy;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _drainGate = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopRequested;
    private long _position = -1;
    private long _abandoned;
    private readonly ConcurrentQueue<Diagnostics.AbandonedEvent> _abandonedEvents = new();
    private long _faults;

    /// <summary>Creates the consumer of <paramref name="ring"/>; every batch goes through <paramref name="stages"/> in order.</summary>
    public EventProcessor(EventRing ring, WaitStrategy waitStrategy, IConsumerStage[] stages)
    {
        _ring = ring;
        _sequencer = ring.Sequencer;
        _waitStrategy = waitStrategy;
        _stages = stages;
    }

    public EventRing Ring => _ring;

    /// <summary>Events published that the loop has not started yet.</summary>
    public long Lag => Math.Max(0, _sequencer.ClaimedSequence - Volatile.Read(ref _position));

    /// <summary>Events that could not be dispatched because the stop timeout cancelled the loop.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>Unexpected exceptions the loop survived (a failing dead-letter sink, a bug), not handler failures (those are retried and dead-lettered).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>
    /// True when the caller runs inside a handler of <paramref name="ring"/>'s consumer (also after an await): publishing into that
    /// full ring from here must not wait, because the consumer is waiting for this very handler.
    /// </summary>
    public static bool IsConsumerOf(EventRing ring) => s_consuming.Value == ring;

    /// <summary>The abandoned events that were still readable in their slots, by id and type.</summary>
    public IEnumerable<Diagnostics.AbandonedEvent> AbandonedEvents => _abandonedEvents;

    /// <summary>
    /// Counts and records ring slots <paramref name="from"/>..<paramref name="to"/>, which a stage leaves unfinished because the stop
    /// timeout ended its batch. Called before the slots are freed, so each event is still there to be named.
    /// </summary>
    public void Abandon(long from, long to)
    {
        for (long sequence = from; sequence <= to; sequence++)
        {
            if (_ring.SlotAt(sequence).Route is { } route)
            {
                IEvent @event = route.ReadEvent(_ring, sequence);
                _abandonedEvents.Enqueue(new Diagnostics.AbandonedEvent(@event.Id, @event.EventType, route.EventType.FullName ?? route.EventTypeName));
            }
        }

        Interlocked.Add(ref _abandoned, Math.Max(0, to - from + 1));
    }

    /// <summary>Everything claimed after what the loop consumed: the published events by name, those publishers were still writing by count.</summary>
    private void AbandonRemaining()
    {
        long from = _sequencer.ConsumedSequence + 1;
        long published = _sequencer.HighestPublished(from);
        Abandon(from, published);
        Interlocked.Add(ref _abandoned, Math.Max(0, _sequencer.ClaimedSequence - Math.Max(published, from - 1)));
    }

    /// <summary>Counts an exception a stage survived that was not a handler failure.</summary>
    public void CountFault() => Interlocked.Increment(ref _faults);

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
        _sequencer.WakeConsumer();
        Task finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        if (finished != _exited.Task)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            _sequencer.WakeConsumer();
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
            long next = _sequencer.ConsumedSequence + 1;
            long available = _sequencer.HighestPublished(next);
            if (available >= next)
            {
                RunStages(next, available, CancellationToken.None);
                _sequencer.MarkConsumed(available);
            }
        }
    }

    private void Run()
    {
        s_consuming.Value = _ring;
        CancellationToken abort = _abort.Token;
        long next = _sequencer.ConsumedSequence + 1;
        try
        {
            while (true)
            {
                long available = _sequencer.HighestPublished(next);
                if (available < next)
                {
                    if (_stopRequested && _sequencer.ClaimedSequence < next)
                    {
                        return; // Drained: nothing claimed is left.
                    }

                    if (abort.IsCancellationRequested)
                    {
                        AbandonRemaining();
                        return;
                    }

                    WaitForEvents(next);
                    continue;
                }

                Volatile.Write(ref _position, next);
                if (!RunStages(next, available, abort))
                {
                    // Before the slots are freed (a producer could overwrite them): every stage hears what stays unfinished.
                    long published = _sequencer.HighestPublished(next);
                    foreach (IConsumerStage stage in _stages)
                    {
                        stage.Abandoned(this, next, published);
                    }

                    _sequencer.MarkConsumed(available);
                    AbandonRemaining();
                    return;
                }

                _sequencer.MarkConsumed(available);

                next = available + 1;
            }
        }
        finally
        {
            _exited.TrySetResult();
            DrainAfterExit();
        }
    }

    /// <summary>Runs one batch through every stage in order; false when the stop timeout ended it.</summary>
    private bool RunStages(long from, long to, CancellationToken abort)
    {
        foreach (IConsumerStage stage in _stages)
        {
            if (!stage.Process(this, from, to, abort))
            {
                return false;
            }
        }

        return true;
    }

    private void WaitForEvents(long next)
    {
        for (int spin = 0; spin < SpinsBeforeYield; spin++)
        {
            if (_sequencer.HighestPublished(next) >= next || _stopRequested)
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
            if (_sequencer.HighestPublished(next) >= next || _stopRequested)
            {
                return;
            }

            Thread.Yield();
        }

        if (_waitStrategy == WaitStrategy.Yielding)
        {
            return; // Back to the loop, which re-checks stop and spins again.
        }

        _sequencer.ConsumerSignal.Reset();
        if (_sequencer.PrepareToSleep(next) && !_stopRequested && !_abort.IsCancellationRequested)
        {
            _sequencer.ConsumerSignal.Wait();
        }

        _sequencer.Awake();
    }
}
