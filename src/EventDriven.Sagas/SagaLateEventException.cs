namespace EventDriven.Sagas;

/// <summary>
/// An event reached a saga instance that had already completed or compensated, and the saga declares nothing for it
/// (<c>WhenLate</c>). Thrown only with <see cref="SagaLateEventBehavior.Throw"/>; otherwise the event is counted and logged.
/// </summary>
public sealed class SagaLateEventException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SagaLateEventException(string sagaType, string correlationId, string eventType, Guid eventId, SagaStatus status)
        : base($"Saga '{sagaType}' instance '{correlationId}' is already {status}; late event '{eventType}' ({eventId}) has no WhenLate<{eventType}> declaring what it means now (e.g. refund a late capture), so it was not handled.")
    {
        SagaType = sagaType;
        CorrelationId = correlationId;
        EventType = eventType;
        EventId = eventId;
        Status = status;
    }

    /// <summary>The saga's name.</summary>
    public string SagaType { get; }

    /// <summary>The instance's correlation id.</summary>
    public string CorrelationId { get; }

    /// <summary>The event's <see cref="IEvent.EventType"/>.</summary>
    public string EventType { get; }

    /// <summary>The event's <see cref="IEvent.Id"/>.</summary>
    public Guid EventId { get; }

    /// <summary>How the instance had finished.</summary>
    public SagaStatus Status { get; }
}
