using System.ComponentModel;

namespace EventDriven.Dispatch;

/// <summary>
/// The dispatch code for one event type. The source generator derives one class per event type that calls every handler
/// directly on its concrete type; this base holds the slow paths (awaiting, failures) so the generated fast path stays small.
/// </summary>
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
        => ContinueCoreAsync(handlerIndex, pending, failure: null, @event, cancellationToken);

    /// <summary>The generated fast path calls this when the handler at <paramref name="handlerIndex"/> threw synchronously.</summary>
    protected ValueTask ContinueAfterFailure(int handlerIndex, Exception exception, TEvent @event, CancellationToken cancellationToken)
    {
        if (IsCancellation(exception, cancellationToken))
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return ContinueCoreAsync(handlerIndex, default, exception, @event, cancellationToken);
    }

    /// <summary>Throws for an index the generated switch does not know.</summary>
    protected static ValueTask ThrowHandlerIndexOutOfRange(int handlerIndex)
        => throw new ArgumentOutOfRangeException(nameof(handlerIndex), handlerIndex, "No handler has this index in the dispatch table.");

    private async ValueTask ContinueCoreAsync(int handlerIndex, ValueTask pending, Exception? failure, TEvent @event, CancellationToken cancellationToken)
    {
        List<HandlerFailure>? failures = null;
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
            await HandleFailureAsync(failures ??= [], handlerIndex, failure, @event, cancellationToken).ConfigureAwait(false);
        }

        for (int i = handlerIndex + 1; i < _handlers.Length; i++)
        {
            try
            {
                await InvokeAsync(i, @event, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!IsCancellation(exception, cancellationToken))
            {
                await HandleFailureAsync(failures ??= [], i, exception, @event, cancellationToken).ConfigureAwait(false);
            }
        }

        if (failures is { Count: > 0 })
        {
            throw new EventDispatchException(@event.EventType, @event.Id, failures);
        }
    }

    private ValueTask HandleFailureAsync(List<HandlerFailure> failures, int handlerIndex, Exception exception, TEvent @event, CancellationToken cancellationToken)
    {
        if (FailurePolicy is { } policy)
        {
            return policy.RecoverAsync(_handlers[handlerIndex].Name, InvokeAsync, handlerIndex, @event, exception, cancellationToken);
        }

        failures.Add(new HandlerFailure(_handlers[handlerIndex].Name, exception));
        return default;
    }

    /// <summary>A cancellation the caller asked for ends the dispatch; any other exception is a handler failure.</summary>
    internal static bool IsCancellation(Exception exception, CancellationToken cancellationToken)
        => exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
