namespace EventDriven.Sagas;

/// <summary>
/// One saga instance as a store keeps it: the key, the revision for optimistic concurrency, the columns a store indexes (status,
/// timeout) and <see cref="Data"/>, an opaque UTF-8 JSON document the runtime writes and reads (the user's state plus the saga's
/// journal: completed steps, compensations run, handled event ids).
/// </summary>
public sealed class SagaRecord
{
    /// <summary>Creates a record.</summary>
    public SagaRecord(string sagaType, string correlationId, long revision, SagaStatus status, byte[] data, DateTimeOffset? timeoutAt, DateTimeOffset updatedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentException.ThrowIfNullOrEmpty(correlationId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(revision);
        ArgumentNullException.ThrowIfNull(data);
        SagaType = sagaType;
        CorrelationId = correlationId;
        Revision = revision;
        Status = status;
        Data = data;
        TimeoutAt = timeoutAt;
        UpdatedAt = updatedAt;
    }

    /// <summary>The saga's name (<see cref="SagaDefinition{TState}.Name"/>), e.g. <c>"OrderSaga"</c>.</summary>
    public string SagaType { get; }

    /// <summary>The instance's correlation id, e.g. an order id.</summary>
    public string CorrelationId { get; }

    /// <summary>1 for the first save, one more for every save after it.</summary>
    public long Revision { get; }

    /// <summary>Whether the saga is still running.</summary>
    public SagaStatus Status { get; }

    /// <summary>The runtime's JSON document; stores keep it as it is. Treat it as read-only.</summary>
    public byte[] Data { get; }

    /// <summary>When the armed timeout fires, or <see langword="null"/> when none is armed.</summary>
    public DateTimeOffset? TimeoutAt { get; }

    /// <summary>When this revision was written (the runtime's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset UpdatedAt { get; }
}
