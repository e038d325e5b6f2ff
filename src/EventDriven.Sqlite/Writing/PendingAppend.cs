using System.Threading.Tasks.Sources;
using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Sqlite.Writing;

/// <summary>
/// One append waiting for the database's writer: its serialized events, and the task its caller awaits, completed only after the transaction
/// that wrote it has committed (or with the reason it was not written).
/// </summary>
/// <remarks>
/// The object is its own <see cref="IValueTaskSource{TResult}"/>: an append costs this one allocation for its wait instead of a
/// <see cref="TaskCompletionSource{TResult}"/> and its task. Continuations run asynchronously so that the writer thread never runs
/// callers' code between two commits.
/// </remarks>
internal sealed class PendingAppend : SqliteWriteItem, IValueTaskSource<AppendResult>
{
    private ManualResetValueTaskSourceCore<AppendResult> _completion = new() { RunContinuationsAsynchronously = true };
    private readonly SqliteWriter _writer;
    private AppendResult? _result;

    public PendingAppend(string streamId, EventToAppend[] events, SerializedEvent[] serialized, ExpectedVersion expectedVersion, SqliteWriter writer, CancellationToken cancellationToken)
    {
        _writer = writer;
        StreamId = streamId;
        Events = events;
        Serialized = serialized;
        ExpectedVersion = expectedVersion;
        CancellationToken = cancellationToken;
    }

    public string StreamId { get; }

    public EventToAppend[] Events { get; }

    public SerializedEvent[] Serialized { get; }

    public ExpectedVersion ExpectedVersion { get; }

    /// <inheritdoc />
    public override CancellationToken CancellationToken { get; }

    /// <inheritdoc />
    public override int Weight => Events.Length;

    /// <inheritdoc />
    /// <remarks>
    /// One event is one INSERT; several, or one with its outbox row, need the writer's savepoint to be all-or-nothing. Read on the
    /// writer's thread when the item is written, as the outbox hook is, so the two cannot disagree.
    /// </remarks>
    public override bool IsSingleStatement => Events.Length == 1 && !(_writer.Outbox?.Includes(Serialized[0].EventType) ?? false);

    public ValueTask<AppendResult> AsValueTask() => new(this, _completion.Version);

    /// <inheritdoc />
    public override void Write(SqliteWriter writer)
        => _result = writer.Append(StreamId, Events, Serialized, ExpectedVersion);

    /// <inheritdoc />
    protected override void Acknowledge()
    {
        if (Error is not null)
        {
            _completion.SetException(Error);
        }
        else
        {
            _completion.SetResult(_result!);
        }
    }

    AppendResult IValueTaskSource<AppendResult>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<AppendResult>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<AppendResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _completion.OnCompleted(continuation, state, token, flags);
}
