namespace EventDriven.Transport;

/// <summary>
/// The door through which events from outside this process enter the bus: a broker consumer, the receiving side of an outbox, a
/// dead-letter re-drive. Unlike <see cref="IEventBus.PublishAsync{TEvent}"/>, the event's type is known only at run time, the ids it
/// carried are kept, and the returned task completes only when this process has finished with the event, so a transport can
/// acknowledge the message then and not before. Registered by <c>AddEventDriven()</c>; the bus implements it.
/// </summary>
public interface IEventReceiver
{
    /// <summary>
    /// Hands a received event to this process's handlers.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Ring-buffer mode: the event is queued in its partition (waiting for space when the ring is full, whatever the event type's
    /// <see cref="BackpressureMode"/>: a received event is never dropped) and the task completes after the consumer ran every stage
    /// over it (stored, handled; a handler that failed was retried and dead-lettered, which also counts as finished: the event is
    /// safe in the dead-letter sink). If the stop timeout abandons it, the task fails with <see cref="OperationCanceledException"/>:
    /// do not acknowledge, let the broker redeliver.
    /// </para>
    /// <para>
    /// Inline mode: the handlers run on the caller; the task fails with <see cref="EventDispatchException"/> when any of them did.
    /// </para>
    /// <para>
    /// An event type with no handler here follows <see cref="EventDrivenOptions.NoHandlerBehavior"/> (store-and-publish still stores it).
    /// Cancelling <paramref name="cancellationToken"/> after the event was queued stops the wait, not the handling.
    /// </para>
    /// </remarks>
    ValueTask ReceiveAsync(IEvent @event, ReceivedEventContext context, CancellationToken cancellationToken = default);
}
