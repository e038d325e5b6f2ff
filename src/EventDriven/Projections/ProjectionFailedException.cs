namespace EventDriven.Projections;

/// <summary>
/// A projection stopped at an event it cannot apply: its <c>Apply</c> threw, or the event cannot be read and
/// <see cref="ProjectionRunnerOptions.SkipUnreadableEvents"/> is off. The batch holding it was not committed: the checkpoint is just
/// before that batch, and the read model reflects exactly the events up to it. Fix the cause and start the runner again.
/// </summary>
public sealed class ProjectionFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProjectionFailedException(string projection, long position, string eventType, Exception inner)
        : base($"Projection '{projection}' stopped at position {position} ({eventType}): {inner.Message} Nothing of its batch was committed; the read model is as of the checkpoint before it.", inner)
    {
        Projection = projection;
        Position = position;
        EventType = eventType;
    }

    /// <summary>The projection.</summary>
    public string Projection { get; }

    /// <summary>The position of the event it could not apply.</summary>
    public long Position { get; }

    /// <summary>That event's stored type name.</summary>
    public string EventType { get; }
}
