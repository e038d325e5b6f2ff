using EventDriven.Sqlite.Writing;

namespace EventDriven.Sqlite.Inbox;

/// <summary>
/// One inbox mark waiting for the database's writer: committed with whatever else is queued (other marks, appends, saga saves), and
/// answered only after that commit: true when recorded now, false when it already was.
/// </summary>
internal sealed class PendingMark(string consumer, Guid eventId, TimeProvider time) : SqliteWriteItem
{
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _recorded;

    public Task<bool> Task => _completion.Task;

    /// <inheritdoc />
    public override bool IsSingleStatement => true;

    /// <inheritdoc />
    public override void Write(SqliteWriter writer) => _recorded = InboxSchema.Mark(writer, consumer, eventId, time.GetUtcNow());

    /// <inheritdoc />
    protected override void Acknowledge()
    {
        if (Error is not null)
        {
            _completion.SetException(Error);
        }
        else
        {
            _completion.SetResult(_recorded);
        }
    }
}
