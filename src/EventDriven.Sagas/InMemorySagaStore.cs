namespace EventDriven.Sagas;

/// <summary>
/// Keeps saga instances in memory: for tests and for applications that accept losing open sagas on restart. Saves are durable (for
/// the life of the object) when <see cref="SaveAsync"/> returns. Thread-safe.
/// </summary>
public sealed class InMemorySagaStore : ISagaStore
{
    private readonly Dictionary<(string SagaType, string CorrelationId), SagaRecord> _records = [];
    private readonly Lock _gate = new();

    /// <summary>How many instances are stored, of every saga type.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _records.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<SagaRecord?> LoadAsync(string sagaType, string correlationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentException.ThrowIfNullOrEmpty(correlationId);
        lock (_gate)
        {
            return new(_records.GetValueOrDefault((sagaType, correlationId)));
        }
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(SagaRecord record, long expectedRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            var key = (record.SagaType, record.CorrelationId);
            long? actual = _records.TryGetValue(key, out SagaRecord? stored) ? stored.Revision : null;
            if ((actual ?? 0) != expectedRevision)
            {
                return ValueTask.FromException(new SagaConcurrencyException(record.SagaType, record.CorrelationId, expectedRevision, actual));
            }

            _records[key] = record;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Saves at once; a conflict is thrown, never handed to <paramref name="onFailure"/>.</remarks>
    public void SaveInBackground(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception> onFailure)
        => SaveAsync(record, expectedRevision).GetAwaiter().GetResult();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SagaRecord>> ListOpenAsync(string sagaType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        lock (_gate)
        {
            return new(_records.Values.Where(r => r.Status == SagaStatus.Running && r.SagaType == sagaType).ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SagaRecord>> GetDueTimeoutsAsync(string sagaType, DateTimeOffset dueBy, int max, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        lock (_gate)
        {
            return new(_records.Values
                .Where(r => r.Status == SagaStatus.Running && r.SagaType == sagaType && r.TimeoutAt is { } at && at <= dueBy)
                .OrderBy(r => r.TimeoutAt)
                .Take(max)
                .ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
