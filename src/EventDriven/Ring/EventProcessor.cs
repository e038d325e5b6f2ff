using System.Diagnostics;
using EventDriven.Dispatch;

namespace EventDriven.Ring;

/// <summary>
/// The consumer loop of one ring (one partition): takes every published event as one batch, runs each through its route's
/// generated dispatcher in sequence order, then frees the batch's slots. A handler task that is not complete is awaited before
/// the next event, so order holds per partition; a synchronously completed one costs nothing extra.
/// </summary>
internal sealed class EventProcessor
{
    private const int SpinsBeforeYield = 100;
    private const int YieldsBeforeSleep = 10;

    private readonly EventRing _ring;
    private readonly WaitStrategy _waitStrategy;
    private readonly EventDrivenMetrics _metrics;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _drainGate = new();
    private volatile bool _stopRequested;
    private volatile bool _exited;
    private long _position = -1;
    private Task _loop = Task.CompletedTask;

    public EventProcessor(EventRing ring, WaitStrategy waitStrategy, EventDrivenMetrics metrics)
    {
        _ring = ring;
        _waitStrategy = waitStrategy;
        _metrics = metrics;
    }

    public EventRing Ring => _ring;

    /// <summary>Events published that the loop has not started yet.</summary>
    public long Lag => Math.Max(0, _ring.ClaimedSequence - Volatile.Read(ref _position));

    /// <summary>Events that could not be dispatched because the stop timeout cancelled the loop.</summary>
    public long Abandoned { get; private set; }

    /// <summary>Unexpected exceptions the loop survived (a bug in a failure policy or a dead-letter sink, not a handler failure).</summary>
    public long Faults;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Lets the loop finish what was published, then waits for it up to <paramref name="timeout"/>; past that, cancels the handlers.</summary>
    public async Task StopAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _stopRequested = true;
        _ring.WakeConsumer();
        _ring.ConsumerSignal.Set();
        Task finished = await Task.WhenAny(_loop, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        if (finished != _loop)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            _ring.ConsumerSignal.Set();
            await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A producer that passed the running check just before stop may publish after the loop exited: it calls this, and the
    /// leftovers are dispatched on its thread, so an accepted event is never silently dropped.
    /// </summary>
    public void DrainAfterExit()
    {
        if (!_exited)
        {
            return;
        }

        lock (_drainGate)
        {
            long next = _ring.ConsumedSequence + 1;
            long available = _ring.HighestPublished(next);
            for (long sequence = next; sequence <= available; sequence++)
            {
                try
                {
                    _ring.SlotAt(sequence).Route!.DispatchSlotAsync(_ring, sequence, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref Faults);
                }
            }

            if (available >= next)
            {
                _ring.MarkConsumed(available);
            }
        }
    }

    private async Task RunAsync()
    {
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

                    await WaitForEventsAsync(next, abort).ConfigureAwait(false);
                    continue;
                }

                for (long sequence = next; sequence <= available; sequence++)
                {
                    Volatile.Write(ref _position, sequence);
                    RouteBase route = _ring.SlotAt(sequence).Route!;
                    long start = _metrics.ProcessDurationEnabled ? Stopwatch.GetTimestamp() : 0;
                    ValueTask dispatch;
                    try
                    {
                        dispatch = route.DispatchSlotAsync(_ring, sequence, abort);
                    }
                    catch (Exception exception)
                    {
                        dispatch = ValueTask.FromException(exception);
                    }

                    if (dispatch.IsCompletedSuccessfully)
                    {
                        dispatch.GetAwaiter().GetResult();
                    }
                    else
                    {
                        try
                        {
                            await dispatch.ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (abort.IsCancellationRequested)
                        {
                            Abandoned += available - sequence + 1;
                            _ring.MarkConsumed(available);
                            return;
                        }
                        catch (Exception)
                        {
                            Interlocked.Increment(ref Faults);
                        }
                    }

                    _metrics.RecordHandled(route.EventTypeName, start);
                }

                _ring.MarkConsumed(available);
                next = available + 1;
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // The stop timeout passed while the loop was idle or waiting: whatever is still claimed is abandoned, and counted.
            Abandoned += Math.Max(0, _ring.ClaimedSequence - _ring.ConsumedSequence);
        }
        finally
        {
            _exited = true;
            if (!abort.IsCancellationRequested)
            {
                DrainAfterExit();
            }
        }
    }

    private async ValueTask WaitForEventsAsync(long next, CancellationToken abort)
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

        for (int yield = 0; _waitStrategy == WaitStrategy.Yielding || yield < YieldsBeforeSleep; yield++)
        {
            if (_ring.HighestPublished(next) >= next || _stopRequested)
            {
                return;
            }

            Thread.Yield();
            if (_waitStrategy == WaitStrategy.Yielding && yield > YieldsBeforeSleep)
            {
                return; // Back to the outer loop, which re-checks stop and spins again.
            }
        }

        Task wake = _ring.ConsumerSignal.WaitAsync();
        if (_ring.PrepareToSleep(next) && !_stopRequested)
        {
            await wake.WaitAsync(abort).ConfigureAwait(false);
        }

        _ring.Awake();
    }
}
