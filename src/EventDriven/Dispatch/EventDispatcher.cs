using System.ComponentModel;
using System.Diagnostics;
using EventDriven.Diagnostics;

namespace EventDriven.Dispatch;

/// <summary>
/// The dispatch code for one event type. The source generator derives one class per event type that calls every handler
/// directly on its concrete type; this base holds the slow paths (awaiting, failures, tracing) so the generated fast path stays small.
/// </summary>
/// <remarks>
/// Every way an event reaches its handlers — a generated dispatcher, dispatchers of several assemblies merged, runtime subscribers,
/// the traced dispatch — ends in the one handler loop of this class (<c>RunFromAsync</c>), so a failure has one meaning everywhere:
/// with a failure policy (ring buffer) the failed handler alone is retried and then dead-lettered; without one (inline) the other
/// handlers still run and every failure is thrown together as one <see cref="EventDispatchException"/>; a cancellation the caller
/// asked for ends the dispatch.
/// </remarks>
/// <typeparam name="TEvent">The event type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class EventDispatcher<TEvent>
    where TEvent : IEvent
{
    private readonly HandlerDescriptor[] _handlers;

    /// <summary>Creates the dispatcher.</summary>
    /// <param name="handlers">The handlers in run order; index <c>i</c> is the handler <see cref="InvokeAsync"/> calls for <c>i</c>.</param>
    protected EventDispatcher(HandlerDescriptor[] handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _handlers = handlers;
    }

    /// <summary>The handlers in the order they run.</summary>
    public IReadOnlyList<HandlerDescriptor> Handlers => _handlers;

    /// <summary>
    /// Set by a ring-buffer bus: failed handlers are retried and dead-lettered instead of being reported to the publisher
    /// (who is long gone). Null in inline mode, where failures are collected into an <see cref="EventDispatchException"/>.
    /// </summary>
    internal Reliability.HandlerFailurePolicy? FailurePolicy { get; set; }

    /// <summary>Runs every handler in order. Completes synchronously, without allocating, when every handler does.</summary>
    /// <exception cref="EventDispatchException">(through the returned task) one or more handlers failed; the others still ran.</exception>
    public abstract ValueTask DispatchAsync(TEvent @event, CancellationToken cancellationToken);

    /// <summary>Runs the single handler at <paramref name="handlerIndex"/>; exceptions are not caught.</summary>
    public abstract ValueTask InvokeAsync(int handlerIndex, TEvent @event, CancellationToken cancellationToken);

    /// <summary>
    /// The generated fast path calls this when the handler at <paramref name="handlerIndex"/> returned a task that had not completed
    /// successfully: it awaits that task, then runs the remaining handlers one by one.
    /// </summary>
    protected ValueTask ContinueAsync(int handlerIndex, ValueTask pending, TEvent @event, CancellationToken cancellationToken)
        => RunFromAsync(handlerIndex, pending, failure: null, @event, trace: null, cancellationToken);

    /// <summary>The generated fast path calls this when the handler at <paramref name="handlerIndex"/> threw synchronously.</summary>
    protected ValueTask ContinueAfterFailure(int handlerIndex, Exception exception, TEvent @event, CancellationToken cancellationToken)
    {
        if (IsCancellation(exception, cancellationToken))
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return RunFromAsync(handlerIndex, default, exception, @event, trace: null, cancellationToken);
    }

    /// <summary>
    /// The fast path for dispatchers that call their handlers through <see cref="InvokeAsync"/> (merged and subscribed ones): what the
    /// generator writes with direct calls, written once with indexed ones.
    /// </summary>
    private protected ValueTask DispatchByIndex(TEvent @event, CancellationToken cancellationToken)
    {
        int current = 0;
        try
        {
            for (; current < _handlers.Length; current++)
            {
                ValueTask pending = InvokeAsync(current, @event, cancellationToken);
                if (!pending.IsCompletedSuccessfully)
                {
                    return ContinueAsync(current, pending, @event, cancellationToken);
                }

                pending.GetAwaiter().GetResult();
            }

            return default;
        }
        catch (Exception exception)
        {
            return ContinueAfterFailure(current, exception, @event, cancellationToken);
        }
    }

    /// <summary>
    /// Runs every handler inside its own consumer span (<see cref="DispatchTrace"/>): the dispatch taken while a tracer listens.
    /// Slower than the fused fast path, so only taken then; failures mean exactly what they mean there.
    /// </summary>
    internal ValueTask DispatchTracedAsync(TEvent @event, DispatchTrace trace, CancellationToken cancellationToken)
        => RunFromAsync(-1, default, failure: null, @event, trace, cancellationToken);

    /// <summary>Throws for an index the generated switch does not know.</summary>
    protected static ValueTask ThrowHandlerIndexOutOfRange(int handlerIndex)
        => throw new ArgumentOutOfRangeException(nameof(handlerIndex), handlerIndex, "No handler has this index in the dispatch table.");

    /// <summary>
    /// The one handler loop: finishes the handler at <paramref name="started"/> (its task <paramref name="pending"/>, or its synchronous
    /// <paramref name="failure"/>; -1 when none has started), then runs the rest in order, each failure through <see cref="HandleFailureAsync"/>.
    /// </summary>
    private async ValueTask RunFromAsync(int started, ValueTask pending, Exception? failure, TEvent @event, DispatchTrace? trace, CancellationToken cancellationToken)
    {
        List<HandlerFailure>? failures = null;
        if (started >= 0)
        {
            if (failure is null)
            {
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception exception) when (!IsCancellation(exception, cancellationToken))
                {
                    failure = exception;
                }
            }

            if (failure is not null)
            {
                failures = await HandleFailureAsync(failures, started, failure, @event, cancellationToken).ConfigureAwait(false);
            }
        }

        for (int i = started + 1; i < _handlers.Length; i++)
        {
            using Activity? activity = trace?.StartHandler(_handlers[i].Name);
            try
            {
                await InvokeAsync(i, @event, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!IsCancellation(exception, cancellationToken))
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                failures = await HandleFailureAsync(failures, i, exception, @event, cancellationToken).ConfigureAwait(false);
            }
        }

        if (failures is { Count: > 0 })
        {
            throw new EventDispatchException(@event.EventType, @event.Id, failures);
        }
    }

    /// <summary>With a failure policy: retry the handler alone, then dead-letter. Without: remember the failure for the publisher.</summary>
    private async ValueTask<List<HandlerFailure>?> HandleFailureAsync(List<HandlerFailure>? failures, int handlerIndex, Exception exception, TEvent @event, CancellationToken cancellationToken)
    {
        if (FailurePolicy is { } policy)
        {
            await policy.RecoverAsync(_handlers[handlerIndex].Name, InvokeAsync, handlerIndex, @event, exception, cancellationToken).ConfigureAwait(false);
            return failures;
        }

        (failures ??= []).Add(new HandlerFailure(_handlers[handlerIndex].Name, exception));
        return failures;
    }

    /// <summary>A cancellation the caller asked for ends the dispatch; any other exception is a handler failure.</summary>
    internal static bool IsCancellation(Exception exception, CancellationToken cancellationToken)
        => exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
