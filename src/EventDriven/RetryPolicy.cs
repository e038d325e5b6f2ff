namespace EventDriven;

/// <summary>
/// How often a failed handler is called again before its event is dead-lettered, in <see cref="DispatchMode.RingBuffer"/> mode.
/// A handler is called <c>1 + MaxRetries</c> times in total; between calls the consumer waits the backoff, which grows by
/// <see cref="BackoffMultiplier"/> up to <see cref="MaxBackoff"/>. The partition's next event waits too: order is kept.
/// </summary>
/// <param name="MaxRetries">Calls after the first; 0 means one call, then dead-letter.</param>
/// <param name="InitialBackoff">The wait before the first retry.</param>
/// <param name="BackoffMultiplier">Each further wait is the previous one times this (1 keeps it constant).</param>
/// <param name="MaxBackoff">The longest wait; <see langword="null"/> means 30 seconds.</param>
public sealed record RetryPolicy(int MaxRetries, TimeSpan InitialBackoff, double BackoffMultiplier = 2, TimeSpan? MaxBackoff = null)
{
    /// <summary>One call, no retry: a failure goes straight to the dead-letter sink. The default, because retrying a handler that is not idempotent can repeat its side effects.</summary>
    public static RetryPolicy None { get; } = new(0, TimeSpan.Zero);

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan BackoffBefore(int retry)
    {
        double ticks = InitialBackoff.Ticks * Math.Pow(BackoffMultiplier, retry - 1);
        long max = (MaxBackoff ?? TimeSpan.FromSeconds(30)).Ticks;
        return TimeSpan.FromTicks((long)Math.Min(ticks, max));
    }

    internal void Validate(string name)
    {
        if (MaxRetries < 0 || InitialBackoff < TimeSpan.Zero || BackoffMultiplier < 1 || MaxBackoff < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, this, "A retry policy needs MaxRetries >= 0, non-negative backoffs and BackoffMultiplier >= 1.");
        }
    }
}
