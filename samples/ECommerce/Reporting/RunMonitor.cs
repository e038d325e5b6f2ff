using System.Diagnostics;

namespace ECommerce.Reporting;

/// <summary>
/// Live figures of one run: orders submitted and finished, outcomes, and the submit-to-final-state latency of every order. The
/// simulation records submits; <see cref="TrackOutcomes"/> records final states. A simulated customer waits for its order's outcome
/// through <see cref="CustomerSlots"/> before ordering again.
/// </summary>
/// <remarks>
/// Per-order data lives in arrays indexed by order number, so the hot path allocates nothing. <see cref="Finish"/> is called from the
/// bus's consumer thread only; counters read by the progress display are plain longs read with <see cref="Volatile"/>.
/// </remarks>
public sealed class RunMonitor
{
    private readonly long[] _submittedAt;
    private readonly OrderOutcome[] _outcomes;
    private readonly Guid[] _finalEventIds;
    private long _submitted;
    private long _finished;
    private long _fulfilled;
    private long _rejected;
    private long _cancelled;
    private long _repeatedFinals;
    private long _duplicateFinals;

    /// <summary>Creates the monitor of a run of <paramref name="orders"/> orders and <paramref name="customers"/> customers shopping at once.</summary>
    public RunMonitor(int orders, int customers)
    {
        _submittedAt = new long[orders + 1];
        _outcomes = new OrderOutcome[orders + 1];
        _finalEventIds = new Guid[orders + 1];
        CustomerSlots = new SemaphoreSlim(customers, customers);
        StartedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Customers shopping at the same time: one slot per order in flight.</summary>
    public SemaphoreSlim CustomerSlots { get; }

    /// <summary>The submit-to-final-state latency of every finished order.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>When the run started (<see cref="Stopwatch"/> ticks).</summary>
    public long StartedAt { get; }

    /// <summary>When the first order reached its final state (<see cref="Stopwatch"/> ticks), 0 before.</summary>
    public long FirstFinishedAt { get; private set; }

    /// <summary>Orders submitted so far.</summary>
    public long Submitted => Volatile.Read(ref _submitted);

    /// <summary>Orders that reached a final state so far.</summary>
    public long Finished => Volatile.Read(ref _finished);

    /// <summary>Orders fulfilled so far.</summary>
    public long Fulfilled => Volatile.Read(ref _fulfilled);

    /// <summary>Orders rejected so far.</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Orders cancelled (compensated) so far.</summary>
    public long Cancelled => Volatile.Read(ref _cancelled);

    /// <summary>Final-state events for orders already finished (should stay 0: each order ends once).</summary>
    public long RepeatedFinals => Volatile.Read(ref _repeatedFinals);

    /// <summary>
    /// Copies of the final event already recorded (same event id): a broker delivers at least once, so these arrive in a distributed
    /// run after a kill, and are absorbed here, not counted as a second final state.
    /// </summary>
    public long DuplicateFinals => Volatile.Read(ref _duplicateFinals);

    /// <summary>The outcome of order <paramref name="orderNumber"/>.</summary>
    public OrderOutcome OutcomeOf(int orderNumber) => _outcomes[orderNumber];

    /// <summary>
    /// Waits until all <paramref name="orders"/> have an outcome, looking every <paramref name="poll"/>; false once none finished for
    /// <paramref name="stallTimeout"/>. <paramref name="beforeEachLook"/> runs before each look (a fake clock moves time there).
    /// </summary>
    public async Task<bool> WaitForAllAsync(int orders, TimeSpan stallTimeout, TimeSpan poll, Action? beforeEachLook, CancellationToken cancellationToken)
    {
        long lastFinished = -1;
        long lastProgressAt = Stopwatch.GetTimestamp();
        while (Finished < orders)
        {
            long finished = Finished;
            if (finished != lastFinished)
            {
                lastFinished = finished;
                lastProgressAt = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgressAt) > stallTimeout)
            {
                return false;
            }

            beforeEachLook?.Invoke();
            await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Records that order <paramref name="orderNumber"/> was submitted now. Called by the simulation before publishing it.</summary>
    public void Submit(int orderNumber)
    {
        _submittedAt[orderNumber] = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _submitted);
    }

    /// <summary>
    /// Records that order <paramref name="orderNumber"/> reached <paramref name="outcome"/> by event <paramref name="eventId"/>; a second
    /// final state for the same order is counted, not recorded, and a copy of the recorded event is absorbed.
    /// </summary>
    public void Finish(int orderNumber, OrderOutcome outcome, Guid eventId = default)
    {
        if ((uint)orderNumber >= (uint)_outcomes.Length || _outcomes[orderNumber] != OrderOutcome.Open)
        {
            bool copy = (uint)orderNumber < (uint)_outcomes.Length && eventId != Guid.Empty && _finalEventIds[orderNumber] == eventId;
            Interlocked.Increment(ref copy ? ref _duplicateFinals : ref _repeatedFinals);
            return;
        }

        _finalEventIds[orderNumber] = eventId;

        long now = Stopwatch.GetTimestamp();
        if (FirstFinishedAt == 0)
        {
            FirstFinishedAt = now;
        }

        _outcomes[orderNumber] = outcome;
        Latency.Record((long)Stopwatch.GetElapsedTime(_submittedAt[orderNumber], now).TotalMicroseconds);
        switch (outcome)
        {
            case OrderOutcome.Fulfilled:
                Interlocked.Increment(ref _fulfilled);
                break;
            case OrderOutcome.Rejected:
                Interlocked.Increment(ref _rejected);
                break;
            default:
                Interlocked.Increment(ref _cancelled);
                break;
        }

        Interlocked.Increment(ref _finished);
        CustomerSlots.Release();
    }
}
