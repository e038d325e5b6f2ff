namespace EventDriven.Sagas;

/// <summary>
/// The stored document of one saga instance could not be read back (corrupt JSON, or a state class changed incompatibly). Only that
/// instance fails: its events throw this exception (so the bus retries and dead-letters them), every other instance goes on.
/// The stored row is left as it is, for repair.
/// </summary>
public sealed class SagaStateException : Exception
{
    /// <summary>Creates the exception for one instance.</summary>
    public SagaStateException(string sagaType, string correlationId, long revision, Exception innerException)
        : base($"Saga '{sagaType}' instance '{correlationId}' (revision {revision}) has a stored state that cannot be read: {innerException?.Message}", innerException)
    {
        SagaType = sagaType;
        CorrelationId = correlationId;
        Revision = revision;
    }

    /// <summary>The saga's name.</summary>
    public string SagaType { get; }

    /// <summary>The instance's correlation id.</summary>
    public string CorrelationId { get; }

    /// <summary>The stored revision that failed.</summary>
    public long Revision { get; }
}
