namespace EventDriven.Projections;

/// <summary>How a <see cref="ProjectionRunner{TWriter}"/> reads and commits.</summary>
public sealed class ProjectionRunnerOptions
{
    /// <summary>Events per transaction (projection writes plus checkpoint). Default 500; from 1 to 100,000.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long <see cref="ProjectionRunner{TWriter}.RunAsync"/> waits, once caught up, before looking for new events; also the wait after a failed read or commit. Default 200 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// What to do with a stored event that cannot be deserialized (renamed type, newer schema, corrupt row). False, the default:
    /// stop the projection with <see cref="ProjectionFailedException"/> naming the position, because a read model that skipped an
    /// event is silently wrong. True: pass over it, log it and count it in <see cref="ProjectionRunner{TWriter}.Skipped"/>.
    /// </summary>
    public bool SkipUnreadableEvents { get; set; }

    /// <summary>The clock the runner waits on; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, 100_000, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
    }
}
