namespace EventDriven.Projections;

/// <summary>
/// A projection's checkpoint was not where its runner left it: another runner of the same projection (another process, or a second
/// runner here) committed in between. Nothing of the batch was written; the runner loads the checkpoint again and goes on from it.
/// </summary>
public sealed class ProjectionCheckpointConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProjectionCheckpointConflictException(string projection, long expected, long actual)
        : base($"The checkpoint of projection '{projection}' is at position {actual}, not {expected} as its runner expected: another runner of the same projection committed in between. Nothing was written.")
    {
        Projection = projection;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The projection.</summary>
    public string Projection { get; }

    /// <summary>Where the runner expected the checkpoint.</summary>
    public long Expected { get; }

    /// <summary>Where it was.</summary>
    public long Actual { get; }
}
