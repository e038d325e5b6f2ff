using System.Collections.Concurrent;

namespace EventDriven.Projections;

/// <summary>Checkpoints in memory, for projections whose read model is in memory too (and for tests).</summary>
public sealed class InMemoryProjectionCheckpoints : IProjectionCheckpoints<InMemoryProjectionWriter>
{
    private readonly ConcurrentDictionary<string, long> _checkpoints = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public ValueTask<long> LoadAsync(string projection, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        return new(_checkpoints.GetValueOrDefault(projection));
    }

    /// <inheritdoc />
    /// <remarks>The work and the move run under one lock; if the work throws, the checkpoint stays where it was (the projection's own state is its business).</remarks>
    public ValueTask CommitAsync(string projection, long expected, long checkpoint, Action<InMemoryProjectionWriter> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            long actual = _checkpoints.GetValueOrDefault(projection);
            if (actual != expected)
            {
                throw new ProjectionCheckpointConflictException(projection, expected, actual);
            }

            work(InMemoryProjectionWriter.Instance);
            _checkpoints[projection] = checkpoint;
        }

        return ValueTask.CompletedTask;
    }
}
