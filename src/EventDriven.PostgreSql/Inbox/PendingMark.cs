using EventDriven.PostgreSql.Writing;

namespace EventDriven.PostgreSql.Inbox;

/// <summary>
/// One inbox mark waiting for the database's writer: committed with whatever else is queued (other marks, appends, saga saves), and
/// answered only after that commit: true when recorded now, false when it already was.
/// </summary>
internal sealed class PendingMark(string consumer, Guid eventId, DateTimeOffset processedAt) : PostgresWriteItem
{
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Consumer => consumer;

    public Guid EventId => eventId;

    public DateTimeOffset ProcessedAt => processedAt;

    /// <summary>Set when the group's insert returned this mark's row.</summary>
    public bool Recorded { get; set; }

    public Task<bool> Task => _completion.Task;

    /// <inheritdoc />
    /// <remarks>Nothing is written here (the group's marks are one statement at the commit), so nothing needs a savepoint.</remarks>
    public override bool IsSingleStatement => true;

    /// <inheritdoc />
    public override void Write(PostgresWriter writer) => writer.Marks.Add(this);

    /// <inheritdoc />
    protected override void Acknowledge()
    {
        if (Error is not null)
        {
            _completion.SetException(Error);
        }
        else
        {
            _completion.SetResult(Recorded);
        }
    }
}
