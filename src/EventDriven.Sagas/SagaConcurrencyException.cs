using System.Globalization;

namespace EventDriven.Sagas;

/// <summary>
/// A saga save expected a revision the store no longer has: another process (or a second runtime on the same store) saved the
/// instance first. That save wrote nothing; the runtime drops its cached copy, so the next event reloads the stored one.
/// </summary>
public sealed class SagaConcurrencyException : Exception
{
    /// <summary>Creates the exception for one instance.</summary>
    public SagaConcurrencyException(string sagaType, string correlationId, long expectedRevision, long? actualRevision)
        : base($"Saga '{sagaType}' instance '{correlationId}' is at revision {(actualRevision is { } actual ? actual.ToString(CultureInfo.InvariantCulture) : "none (not saved)")}, but the save expected {expectedRevision.ToString(CultureInfo.InvariantCulture)}. Nothing of this save was written.")
    {
        SagaType = sagaType;
        CorrelationId = correlationId;
        ExpectedRevision = expectedRevision;
        ActualRevision = actualRevision;
    }

    /// <summary>The saga's name.</summary>
    public string SagaType { get; }

    /// <summary>The instance's correlation id.</summary>
    public string CorrelationId { get; }

    /// <summary>The revision the save expected (0: a new instance).</summary>
    public long ExpectedRevision { get; }

    /// <summary>The stored revision, or <see langword="null"/> when the instance was not stored.</summary>
    public long? ActualRevision { get; }
}
