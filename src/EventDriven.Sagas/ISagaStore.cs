namespace EventDriven.Sagas;

/// <summary>
/// Keeps saga instances durably, keyed by saga type and correlation id. <see cref="InMemorySagaStore"/> serves tests;
/// <c>EventDriven.Sqlite</c>'s <c>SqliteSagaStore</c> keeps them in a file and group-commits saves.
/// </summary>
/// <remarks>
/// <para>
/// Contract every implementation keeps: a save is checked against the revision the caller last saw (a conflict writes nothing of
/// that save and throws <see cref="SagaConcurrencyException"/>); a load sees every save whose task has been started, committed or
/// not (read-your-writes inside one process); the returned task of <see cref="SaveAsync"/> completes when the save is durable.
/// </para>
/// <para>
/// The contract does not prescribe write-behind. A backend that writes each save durably before returning honours it trivially:
/// <see cref="SaveInBackground"/> saves at once (a failure is thrown, never handed to the callback), loads read the table, and
/// <see cref="FlushAsync"/> has nothing to wait for (<see cref="InMemorySagaStore"/> works this way). A group-committing backend
/// (<c>SqliteSagaStore</c>) queues saves, shows queued ones to loads, and reports a failure found at commit through the callback.
/// </para>
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
    /// Saves <paramref name="record"/> like <see cref="SaveAsync"/> without giving the caller a task to wait on: the write-behind path,
    /// which costs no task per save. A store may write it before returning or queue it for a later commit. A failure known at once
    /// (e.g. a revision conflict) is thrown; one found later, at commit, is handed to <paramref name="onFailure"/> on the store's
    /// writer (keep it short, and do not throw from it).
    /// </summary>
    /// <exception cref="SagaConcurrencyException">The revision check failed at once; this save wrote nothing.</exception>
    void SaveInBackground(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception> onFailure);

    /// <summary>Every <see cref="SagaStatus.Running"/> instance of <paramref name="sagaType"/>: what a restarted process resumes.</summary>
    ValueTask<IReadOnlyList<SagaRecord>> ListOpenAsync(string sagaType, CancellationToken cancellationToken = default);

    /// <summary>Running instances of <paramref name="sagaType"/> whose timeout is at or before <paramref name="dueBy"/>, earliest first, at most <paramref name="max"/>.</summary>
    ValueTask<IReadOnlyList<SagaRecord>> GetDueTimeoutsAsync(string sagaType, DateTimeOffset dueBy, int max, CancellationToken cancellationToken = default);

    /// <summary>Completes when every save started before the call is durable (at once for a store that saves before returning).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
