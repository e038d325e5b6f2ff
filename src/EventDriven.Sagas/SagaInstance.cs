namespace EventDriven.Sagas;

/// <summary>
/// The in-memory copy of one saga instance, with its lock. <see cref="State"/> is <see langword="null"/> until a start event
/// creates the instance. An evicted copy (after a failure, a conflict or the end of the saga) is never used again: whoever waited
/// on its lock looks the instance up afresh.
/// </summary>
internal sealed class SagaInstance<TState>
    where TState : class
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public bool Loaded { get; set; }

    public volatile bool Evicted;

    public long Revision { get; set; }

    public SagaStatus Status { get; set; }

    public TState? State { get; set; }

    public SagaJournal Journal { get; set; } = new();

    public DateTimeOffset? TimeoutAt { get; set; }
}
