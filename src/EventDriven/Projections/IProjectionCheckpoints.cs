using EventDriven.Store;

namespace EventDriven.Projections;

/// <summary>
/// Where a projection's checkpoint lives, beside its read model: a backend commits the projection's writes for a batch and the new
/// checkpoint in one transaction. Implementations: <see cref="InMemoryProjectionCheckpoints"/>, <c>SqliteProjectionCheckpoints</c>,
/// <c>PostgresProjectionCheckpoints</c>.
/// </summary>
/// <typeparam name="TWriter">What the projection's <see cref="IProjection{TWriter}.Apply"/> writes through.</typeparam>
public interface IProjectionCheckpoints<out TWriter>
{
    /// <summary>The position of the last event <paramref name="projection"/> applied, or 0 when it has applied none.</summary>
    ValueTask<long> LoadAsync(string projection, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: runs <paramref name="work"/> (the projection's <c>Setup</c>, <c>Apply</c> calls or <c>Reset</c>) and moves the
    /// checkpoint of <paramref name="projection"/> from <paramref name="expected"/> to <paramref name="checkpoint"/>. All or nothing.
    /// </summary>
    /// <exception cref="ProjectionCheckpointConflictException">
    /// The stored checkpoint is not <paramref name="expected"/>: another runner moved it (the same projection runs twice). Nothing was written.
    /// </exception>
    ValueTask CommitAsync(string projection, long expected, long checkpoint, Action<TWriter> work, CancellationToken cancellationToken = default);
}
