namespace EventDriven.PostgreSql.Writing;

/// <summary>Writes nothing: completes once every item queued before it has been committed (or failed), which is what a flush waits for.</summary>
internal sealed class WriterBarrier : PostgresWriteItem
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => _completion.Task;

    /// <inheritdoc />
    public override bool IsSingleStatement => true;

    /// <inheritdoc />
    public override void Write(PostgresWriter writer)
    {
    }

    /// <inheritdoc />
    protected override void Acknowledge() => _completion.TrySetResult();
}
