namespace EventDriven.Sagas;

/// <summary>
/// Keeps saga instances durably, keyed by saga type and correlation id. <see cref="InMemorySagaStore"/> serves tests;
/// <c>EventDriven.Sqlite</c>'s <c>SqliteSagaStore</c> keeps them in a file and group-commits saves.
/// </summary>
/// <remarks>
/// Contract every implementation keeps: a save is checked against the revision the caller last saw (a conflict writes nothing of
/// that save and throws <see cref="SagaConcurrencyException"/>); a load sees every save whose task has been started, committed or
/// not (read-your-writes inside one process); the returned task of <see cref="SaveAsync"/> completes when the save is durable.
/// </remarks>
public interface ISagaStore
{
    /// <summary>The instance <paramref name="correlationId"/> of <paramref name="sagaType"/>, or <see langword="null"/> when none was saved.</summary>
    ValueTask<SagaRecord?> LoadAsync(string sagaType, string correlationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves <paramref name="record"/> if the stored revision is <paramref name="expectedRevision"/> (0: the instance must not exist yet).
    /// The task completes when the save is durable.
    /// </summary>
    /// <exception cref="SagaConcurrencyException">The stored revision is another; this save wrote nothing.</exception>
    ValueTask SaveAsync(SagaRecord record, long expectedRevision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues <paramref name="record"/> for saving, like <see cref="SaveAsync"/>, and returns without waiting: the write-behind path,
    /// which costs no task per save. A failure known at once (e.g. a revision conflict with a queued save) is thrown; a later one is
    /// handed to <paramref name="onFailure"/> on the store's writer (keep it short, and do not throw from it).
    /// </summary>
    /// <exception cref="SagaConcurrencyException">The revision check failed at once; this save wrote nothing.</exception>
    void SaveInBackground(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception> onFailure);

    /// <summary>Every <see cref="SagaStatus.Running"/> instance of <paramref name="sagaType"/>: what a restarted process resumes.</summary>
    ValueTask<IReadOnlyList<SagaRecord>> ListOpenAsync(string sagaType, CancellationToken cancellationToken = default);

    /// <summary>Running instances of <paramref name="sagaType"/> whose timeout is at or before <paramref name="dueBy"/>, earliest first, at most <paramref name="max"/>.</summary>
    ValueTask<IReadOnlyList<SagaRecord>> GetDueTimeoutsAsync(string sagaType, DateTimeOffset dueBy, int max, CancellationToken cancellationToken = default);

    /// <summary>Completes when every save started before the call is durable.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
