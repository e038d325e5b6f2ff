namespace EventDriven.Projections;

/// <summary>A <see cref="ProjectionRunner{TWriter}"/> seen without its writer type: for health checks, dashboards and tools that list every projection.</summary>
public interface IProjectionRunner
{
    /// <summary>The projection's name.</summary>
    string Name { get; }

    /// <summary>The position of the last event committed to the read model.</summary>
    long Checkpoint { get; }

    /// <summary>Events stored after <see cref="Checkpoint"/>, as of the last read of the store's head.</summary>
    long Lag { get; }

    /// <summary>Events this runner committed.</summary>
    long Applied { get; }

    /// <summary>Unreadable events passed over.</summary>
    long Skipped { get; }

    /// <summary>Failed reads or commits tried again.</summary>
    long Faults { get; }

    /// <inheritdoc cref="ProjectionRunner{TWriter}.CatchUpAsync"/>
    Task<long> CatchUpAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ProjectionRunner{TWriter}.RebuildAsync"/>
    Task<long> RebuildAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ProjectionRunner{TWriter}.RunAsync"/>
    Task RunAsync(CancellationToken cancellationToken);
}
