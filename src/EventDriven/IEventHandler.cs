namespace EventDriven;

/// <summary>
/// Reacts to events of type <typeparamref name="TEvent"/>. Annotate the class with <see cref="EventHandlerAttribute"/>
/// so the source generator puts it in the static dispatch table, or pass an instance to
/// <see cref="IEventBus.Subscribe{TEvent}(IEventHandler{TEvent})"/> at run time.
/// </summary>
/// <typeparam name="TEvent">The event type handled.</typeparam>
public interface IEventHandler<in TEvent>
    where TEvent : IEvent
{
    /// <summary>
    /// Handles one event. Return a completed <see cref="ValueTask"/> (e.g. <c>default</c>) when the work is synchronous:
    /// the dispatcher then costs nothing extra and allocates nothing.
    /// </summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Signals that the publisher or the bus gave up waiting.</param>
    ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default);
}
