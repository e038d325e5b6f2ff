namespace EventDriven.Reliability;

/// <summary>
/// What the ring consumer does when a handler fails: retry it alone (the other handlers of the event are not repeated) as its
/// <see cref="RetryPolicy"/> allows, then hand the event to the <see cref="IDeadLetterSink"/>. Nothing is dropped silently.
/// </summary>
/// <remarks>The back-off before a retry waits on <paramref name="time"/> (the registered <see cref="TimeProvider"/>, else the system clock).</remarks>
internal sealed class HandlerFailurePolicy(EventDrivenOptions options, IDeadLetterSink sink, EventDrivenMetrics metrics, TimeProvider time)
{
    private readonly InMemoryDeadLetterSink _fallback = new();

    /// <summary>Letters the configured sink refused (it threw); kept so they are not lost.</summary>
    public InMemoryDeadLetterSink Fallback => _fallback;

    public async ValueTask RecoverAsync<TEvent>(
        string handlerName,
        Func<int, TEvent, CancellationToken, ValueTask> invoke,
        int handlerIndex,
        TEvent @event,
        Exception failure,
        CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        metrics.RecordFailure(@event.EventType, handlerName);
        RetryPolicy retry = options.GetRetryPolicy(handlerName);
        int attempts = 1;
        for (int retryNumber = 1; retryNumber <= retry.MaxRetries && !cancellationToken.IsCancellationRequested; retryNumber++)
        {
            try
            {
                TimeSpan backoff = retry.BackoffBefore(retryNumber);
                if (backoff > TimeSpan.Zero)
                {
                    await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                break; // Stopping: no more retries, but the event still goes to the dead-letter sink below.
            }

            attempts++;
            try
            {
                await invoke(handlerIndex, @event, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception)
            {
                failure = exception;
                metrics.RecordFailure(@event.EventType, handlerName);
            }
        }

        await DeadLetterAsync(new DeadLetter(@event, handlerName, failure, attempts, time.GetUtcNow())).ConfigureAwait(false);
    }

    /// <summary>Hands <paramref name="letter"/> to the sink, or keeps it in <see cref="Fallback"/> when the sink throws, and counts it.</summary>
    public async ValueTask DeadLetterAsync(DeadLetter letter)
    {
        try
        {
            await sink.WriteAsync(letter, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await _fallback.WriteAsync(letter, CancellationToken.None).ConfigureAwait(false);
        }

        metrics.RecordDeadLetter(letter.Event.EventType, letter.HandlerName);
    }
}
