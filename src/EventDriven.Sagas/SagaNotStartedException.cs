namespace EventDriven.Sagas;

/// <summary>
/// An event reached a saga for a correlation id that has no instance, and the event type does not start one (it is not declared
/// with <c>StartsWith</c>). Thrown only with <see cref="SagaOrphanEventBehavior.Throw"/>; otherwise the event is counted and logged.
/// </summary>
public sealed class SagaNotStartedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SagaNotStartedException(string sagaType, string correlationId, string eventType, Guid eventId)
        : base($"Saga '{sagaType}' has no instance '{correlationId}', and event '{eventType}' ({eventId}) does not start one. Publish the starting event first, or declare this event with StartsWith.")
    {
        SagaType = sagaType;
        CorrelationId = correlationId;
        EventType = eventType;
        EventId = eventId;
    }

    /// <summary>The saga's name.</summary>
    public string SagaType { get; }

    /// <summary>The correlation id taken from the event.</summary>
    public string CorrelationId { get; }

    /// <summary>The event's <see cref="IEvent.EventType"/>.</summary>
    public string EventType { get; }

    /// <summary>The event's <see cref="IEvent.Id"/>.</summary>
    public Guid EventId { get; }
}
