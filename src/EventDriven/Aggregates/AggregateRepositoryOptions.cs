namespace EventDriven.Aggregates;

/// <summary>How an <see cref="AggregateRepository"/> snapshots and publishes.</summary>
public sealed class AggregateRepositoryOptions
{
    /// <summary>Where snapshots are kept for aggregates that declare <see cref="AggregateAttribute.SnapshotEvery"/>; none when null (the default): every load reads the whole stream.</summary>
    public ISnapshotStore? Snapshots { get; set; }

    /// <summary>The bus saved events are published through when <see cref="PublishSavedEvents"/> is set.</summary>
    public IEventBus? Bus { get; set; }

    /// <summary>Publish each saved event through <see cref="Bus"/> once its append committed. Default false.</summary>
    public bool PublishSavedEvents { get; set; }

    /// <summary>The clock snapshots are stamped with; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
