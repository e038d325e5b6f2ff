namespace EventDriven.Reliability;

/// <summary>
/// The one retry mechanism of the runtime: after a first failure, waits the <see cref="RetryPolicy"/>'s back-off on a
/// <see cref="TimeProvider"/> (so a fake clock controls it in tests) and calls the operation again, until it succeeds, the retries are
/// spent, or the caller cancels. A failed handler (<see cref="HandlerFailurePolicy"/>) and a failed store-and-publish append
/// (<see cref="Store.EventStoreWriter"/>) both retry through here; what happens after the last failure is theirs to decide.
/// </summary>
internal static class RetryLoop
{
    /// <summary>Retries <paramref name="attempt"/> after <paramref name="firstFailure"/> as <paramref name="policy"/> allows.</summary>
    /// <param name="policy">How many retries, and the back-off before each.</param>
    /// <param name="time">The clock the back-off waits on.</param>
    /// <param name="firstFailure">The failure of the first call, made by the caller.</param>
    /// <param name="attempt">The operation; it throws to fail.</param>
    /// <param name="state">Passed to <paramref name="attempt"/>, so it can be a static lambda.</param>
    /// <param name="onFailure">Told of every failed retry (metrics); not of <paramref name="firstFailure"/>, which the caller saw.</param>
    /// <param name="cancellationToken">Stops the retries; the outcome then says <see cref="RetryOutcome.Cancelled"/>.</param>
    public static async ValueTask<RetryOutcome> RetryAsync<TState>(
        RetryPolicy policy,
        TimeProvider time,
        Exception firstFailure,
        Func<TState, CancellationToken, ValueTask> attempt,
        TState state,
        Action<Exception>? onFailure,
        CancellationToken cancellationToken)
    {
        Exception failure = firstFailure;
        int attempts = 1;
        for (int retryNumber = 1; retryNumber <= policy.MaxRetries; retryNumber++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new RetryOutcome(failure, attempts, Cancelled: true);
            }

            try
            {
                TimeSpan backoff = policy.BackoffBefore(retryNumber);
                if (backoff > TimeSpan.Zero)
                {
                    await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return new RetryOutcome(failure, attempts, Cancelled: true);
            }

            attempts++;
            try
            {
                await attempt(state, cancellationToken).ConfigureAwait(false);
                return new RetryOutcome(null, attempts, Cancelled: false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new RetryOutcome(failure, attempts, Cancelled: true);
            }
            catch (Exception exception)
            {
                failure = exception;
                onFailure?.Invoke(exception);
            }
        }

        return new RetryOutcome(failure, attempts, Cancelled: false);
    }
}

/// <summary>How a <see cref="RetryLoop"/> ended.</summary>
/// <param name="LastFailure">Null when a retry succeeded; else the last exception.</param>
/// <param name="Attempts">Calls made, the first (failed) one included.</param>
/// <param name="Cancelled">The caller cancelled before the retries were spent.</param>
internal readonly record struct RetryOutcome(Exception? LastFailure, int Attempts, bool Cancelled)
{
    public bool Succeeded => LastFailure is null;
}
