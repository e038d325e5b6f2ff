namespace EventDriven.Store.GroupCommit;

/// <summary>
/// One piece of work for a <see cref="GroupCommitWriter"/>: an event append, an inbox mark, a saga save, a unit of work. The writer
/// runs it inside the transaction of a group and tells its caller the outcome only after that transaction has committed or rolled back.
/// </summary>
/// <remarks>
/// Backends derive their item types from this class (one per kind of write); the writer knows nothing of what an item writes. An item
/// records its own result while it is written, <see cref="Fail"/> records a failure (its own, or the group's), and
/// <see cref="Acknowledge"/> hands the outcome to the caller once, on the writer's thread: it must not run the caller's code there
/// (complete tasks with continuations that run asynchronously).
/// </remarks>
public abstract class GroupCommitItem
{
    /// <summary>How much of a group this item takes (events for an append; 1 otherwise): groups are cut at the writer's maximum weight.</summary>
    public virtual int Weight => 1;

    /// <summary>
    /// True when the item writes with a single statement, which is atomic on its own: the writer then runs it without a savepoint.
    /// False (the default) wraps the item in a savepoint, so a failure part-way leaves nothing of it in the group.
    /// </summary>
    public virtual bool IsSingleStatement => false;

    /// <summary>The caller's cancellation: an item cancelled before the writer reaches it fails with <see cref="OperationCanceledException"/> and writes nothing.</summary>
    public virtual CancellationToken CancellationToken => default;

    /// <summary>Why the item was not written, once the writer decided so; <see langword="null"/> while it stands to commit.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Records that the item was not written, and why. The caller learns it at <see cref="Acknowledge"/>.</summary>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>
    /// Hands the outcome to the caller: <see cref="Error"/> when set, else the result the item recorded while it was written. Called
    /// once, on the writer's thread, after the group's transaction has ended.
    /// </summary>
    protected internal abstract void Acknowledge();
}
