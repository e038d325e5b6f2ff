using EventDriven.Diagnostics;

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
        RetryOutcome outcome = await RetryLoop.RetryAsync(
            options.GetRetryPolicy(handlerName),
            time,
            failure,
            static (call, ct) => call.Invoke(call.HandlerIndex, call.Event, ct),
            (Invoke: invoke, HandlerIndex: handlerIndex, Event: @event),
            exception => metrics.RecordFailure(@event.EventType, handlerName),
            cancellationToken).ConfigureAwait(false);

        // Spent or stopping (no more retries either way): the event goes to the dead-letter sink, never nowhere.
        if (!outcome.Succeeded)
        {
            await DeadLetterAsync(new DeadLetter(@event, handlerName, outcome.LastFailure!, outcome.Attempts, time.GetUtcNow())).ConfigureAwait(false);
        }
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
