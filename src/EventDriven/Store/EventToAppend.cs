namespace EventDriven.Store;

/// <summary>One event to store, with the ids that link it to the event that caused it.</summary>
/// <param name="Event">The event. Its <see cref="IEvent.Id"/> makes the append idempotent: an id already stored is not written again.</param>
/// <param name="CausationId">The id of the event whose handler raised this one, if any.</param>
/// <param name="CorrelationId">The id shared by every event of one business flow (e.g. one order), if any.</param>
/// <param name="Metadata">Free-form metadata stored next to the event (for example a JSON object of headers); never interpreted.</param>
public readonly record struct EventToAppend(IEvent Event, Guid? CausationId = null, Guid? CorrelationId = null, string? Metadata = null)
{
    /// <summary>
    /// <paramref name="event"/> linked to the handler running on this thread (<see cref="EventContext.Current"/>): caused by the event
    /// being handled, in its flow. Outside a handler the event starts a flow: no causation, its own id as correlation.
    /// </summary>
    internal static EventToAppend LinkedToCurrentHandler(IEvent @event)
    {
        EventContext cause = EventContext.Current;
        return cause.IsActive ? new EventToAppend(@event, cause.EventId, cause.CorrelationId) : new EventToAppend(@event, null, @event.Id);
    }
}
