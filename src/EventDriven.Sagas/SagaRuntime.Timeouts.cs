using System.Globalization;

namespace EventDriven.Sagas;

// Timeouts: an in-memory queue of (instance, due time) with one timer on the TimeProvider, armed for the earliest entry. Entries are
// hints: when one is due, the instance is checked under its lock against its own TimeoutAt, so a timeout that was re-armed, cleared
// or already fired is skipped, and a timeout fires once even when the timer and a caller of FireDueTimeoutsAsync race.
public sealed partial class SagaRuntime<TState>
{
    // Namespace of the ids of timeout triggers (a fixed, random UUID): DeterministicId.From(it, "<saga>/<id>/<due ticks>").
    private static readonly Guid s_timeoutNamespace = new("3b0f7a52-4f5e-4d8e-9c55-2f3c0f0c8a11");

    // The longest due time System.Threading.Timer accepts (0xFFFFFFFE ms).
    private static readonly TimeSpan s_longestTimerWait = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly PriorityQueue<(string CorrelationId, DateTimeOffset Due), DateTimeOffset> _timeouts;
    private readonly Lock _timeoutGate = new();
    private readonly Dictionary<string, int> _timeoutFailures = new(StringComparer.Ordinal);

    // A due timeout whose step failed is tried again, never dropped: 1 s, doubling, at most 5 minutes apart (the back-off of the one
    // retry policy type the runtime uses; MaxRetries is unbounded because a timeout that never fires would strand its instance).
    private static readonly RetryPolicy s_timeoutRetry = new(int.MaxValue, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(5));
    private ITimer? _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;
    private bool _timerStopped;
    private int _timeoutPassesRunning;

    /// <inheritdoc />
    public int TimeoutPassesRunning => Volatile.Read(ref _timeoutPassesRunning);

    /// <summary>
    /// Resumes after a restart: reads the store's open instances and arms their timeouts; overdue ones fire before this returns. The
    /// hosted service registered by <c>AddSaga</c> calls it when the host starts. Instances themselves are read on their next event.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<SagaRecord> open = await _store.ListOpenAsync(Name, cancellationToken).ConfigureAwait(false);
        foreach (SagaRecord record in open)
        {
            if (record.TimeoutAt is { } due)
            {
                ScheduleTimeout(record.CorrelationId, due);
            }
        }

        await FireDueTimeoutsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the timeout timer and waits until every save is durable (<see cref="ISagaStore.FlushAsync"/>). Events still handled afterwards are saved as usual.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        StopTimer();
        await _store.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fires every armed timeout due at the <see cref="TimeProvider"/>'s current time and returns how many fired. The runtime's timer
    /// calls it; tests with a fake clock may call it after advancing time. A timeout fires once, however often this is called.
    /// </summary>
    /// <remarks>A timeout whose handling throws is logged and tried again after 1 s, 2 s, 4 s … (at most 5 minutes apart) until it fires; it stays stored, so a restart arms it too.</remarks>
    public async Task<int> FireDueTimeoutsAsync(CancellationToken cancellationToken = default)
    {
        // Counted before the first await, so a pass the timer starts is visible as running the moment the timer callback returns.
        Interlocked.Increment(ref _timeoutPassesRunning);
        try
        {
            return await FireDueTimeoutsCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _timeoutPassesRunning);
        }
    }

    private async Task<int> FireDueTimeoutsCoreAsync(CancellationToken cancellationToken)
    {
        List<(string CorrelationId, DateTimeOffset Due)> due = [];
        DateTimeOffset now = _time.GetUtcNow();
        lock (_timeoutGate)
        {
            while (_timeouts.TryPeek(out (string CorrelationId, DateTimeOffset Due) entry, out DateTimeOffset at) && at <= now)
            {
                _timeouts.Dequeue();
                due.Add(entry);
            }
        }

        int fired = 0;
        foreach ((string correlationId, DateTimeOffset dueAt) in due)
        {
            try
            {
                if (await FireTimeoutAsync(correlationId, dueAt, cancellationToken).ConfigureAwait(false))
                {
                    fired++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                SagaLog.TimeoutFailed(_logger, Name, correlationId, exception);
                RetryLater(correlationId, dueAt, now);
                continue;
            }

            lock (_timeoutGate)
            {
                _timeoutFailures.Remove(correlationId);
            }
        }

        ArmTimer();
        return fired;
    }

    private async ValueTask<bool> FireTimeoutAsync(string correlationId, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        if (_finished.ContainsKey(correlationId))
        {
            return false;
        }

        while (true)
        {
            SagaInstance<TState> instance = _instances.GetOrAdd(correlationId, s_newInstance);
            await instance.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            List<SagaHeldEvent> outbox;
            try
            {
                if (instance.Evicted)
                {
                    Forget(correlationId, instance);
                    continue;
                }

                if (!await EnsureLoadedAsync(instance, correlationId, cancellationToken).ConfigureAwait(false))
                {
                    Finish(correlationId, instance);
                    return false;
                }

                DateTimeOffset now = _time.GetUtcNow();
                if (instance.State is not { } state || instance.TimeoutAt != dueAt || dueAt > now)
                {
                    if (instance.State is null)
                    {
                        Evict(correlationId, instance);
                    }

                    return false;
                }

                Guid triggerId = DeterministicId.From(s_timeoutNamespace, string.Create(CultureInfo.InvariantCulture, $"{Name}/{correlationId}/{dueAt.UtcTicks}"));
                var context = new SagaContext(Name, correlationId, triggerId, now, cancellationToken);
                string? compensateFor = "timed out";
                if (_definition.TimeoutHandler is { } onTimeout)
                {
                    await onTimeout(state, context).ConfigureAwait(false);
                    compensateFor = context.CompensateRequested;
                }

                _metrics.TimedOut();
                await EndTransitionAsync(instance, correlationId, state, context, timeoutAt: null, compensateFor, context.CompleteRequested).ConfigureAwait(false);
                outbox = context.Outbox;
            }
            catch
            {
                Evict(correlationId, instance);
                throw;
            }
            finally
            {
                instance.Gate.Release();
            }

            await PublishAsync(outbox, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// Queues a timeout whose handling threw again, after 1 s, 2 s, 4 s … up to 5 minutes: a store that was briefly unavailable must
    /// not leave the saga waiting for a restart. The instance's own due time is unchanged, so the retry fires it as the same timeout.
    /// </summary>
    private void RetryLater(string correlationId, DateTimeOffset dueAt, DateTimeOffset now)
    {
        lock (_timeoutGate)
        {
            int failures = _timeoutFailures.GetValueOrDefault(correlationId) + 1;
            _timeoutFailures[correlationId] = failures;
            TimeSpan delay = s_timeoutRetry.BackoffBefore(failures);
            _timeouts.Enqueue((correlationId, dueAt), now + delay);
        }
    }

    private void ScheduleTimeout(string correlationId, DateTimeOffset due)
    {
        lock (_timeoutGate)
        {
            _timeouts.Enqueue((correlationId, due), due);
        }

        ArmTimer();
    }

    /// <summary>Points the timer at the earliest queued timeout, if that is earlier than where it points now.</summary>
    private void ArmTimer()
    {
        lock (_timeoutGate)
        {
            if (_timerStopped || !_timeouts.TryPeek(out _, out DateTimeOffset next))
            {
                if (_timeouts.Count == 0)
                {
                    _timerDue = DateTimeOffset.MaxValue;
                }

                return;
            }

            if (next >= _timerDue)
            {
                return;
            }

            _timerDue = next;
            // A timer waits at most ~49.7 days (Timer.Change throws beyond): a longer timeout wakes the timer early, finds nothing
            // due, and OnTimer re-arms it for the rest.
            TimeSpan wait = TimeSpan.FromTicks(Math.Clamp((next - _time.GetUtcNow()).Ticks, 0, s_longestTimerWait.Ticks));

            _timer ??= _time.CreateTimer(static self => ((SagaRuntime<TState>)self!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_timeoutGate)
        {
            _timerDue = DateTimeOffset.MaxValue;
        }

        _ = FireDueTimeoutsAsync(CancellationToken.None);
    }

    private void StopTimer()
    {
        lock (_timeoutGate)
        {
            _timerStopped = true;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
