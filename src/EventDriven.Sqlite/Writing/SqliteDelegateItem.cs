namespace EventDriven.Sqlite.Writing;

/// <summary>
/// A write that is not on a hot path (a dead letter, a purge chunk, a transactional inbox handler): a function run on the writer's
/// connection inside the group's transaction, in a savepoint of its own; its task completes after the commit.
/// </summary>
internal sealed class SqliteDelegateItem<T>(Func<SqliteWriter, T> write, CancellationToken cancellationToken) : SqliteWriteItem
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Task => _completion.Task;

    /// <inheritdoc />
    public override CancellationToken CancellationToken => cancellationToken;

    /// <inheritdoc />
    public override void Write(SqliteWriter writer) => _result = write(writer);

    /// <inheritdoc />
    protected override void Acknowledge()
    {
        if (Error is OperationCanceledException canceled && cancellationToken.IsCancellationRequested)
        {
            _completion.SetCanceled(canceled.CancellationToken);
        }
        else if (Error is not null)
        {
            _completion.SetException(Error);
        }
        else
        {
            _completion.SetResult(_result!);
        }
    }
}

/// <summary>Writes nothing: completes once everything queued before it has been committed (or has failed). Flush and close use it.</summary>
internal sealed class SqliteBarrierItem : SqliteWriteItem
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => _completion.Task;

    /// <inheritdoc />
    public override bool IsSingleStatement => true;

    /// <inheritdoc />
    public override void Write(SqliteWriter writer)
    {
    }

    /// <inheritdoc />
    protected override void Acknowledge() => _completion.TrySetResult();
}
