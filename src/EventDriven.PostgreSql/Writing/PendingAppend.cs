using System.Threading.Tasks.Sources;
using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.PostgreSql.Writing;

/// <summary>
/// One append waiting for the database's writer: its serialized events, and the task its caller awaits, completed only after the
/// transaction that wrote it has committed (or with the reason it was not written).
/// </summary>
/// <remarks>
/// The object is its own <see cref="IValueTaskSource{TResult}"/>: one allocation for the wait. Continuations run asynchronously so
/// that the writer thread never runs callers' code between two commits.
/// </remarks>
internal sealed class PendingAppend : PostgresWriteItem, IValueTaskSource<AppendResult>
{
    private ManualResetValueTaskSourceCore<AppendResult> _completion = new() { RunContinuationsAsynchronously = true };
    private AppendResult? _result;

    public PendingAppend(string streamId, EventToAppend[] events, SerializedEvent[] serialized, ExpectedVersion expectedVersion, CancellationToken cancellationToken)
    {
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
    /// <remarks>Checked in memory, its rows written with the group's at the commit: nothing here needs a savepoint.</remarks>
    public override bool IsSingleStatement => true;

    public ValueTask<AppendResult> AsValueTask() => new(this, _completion.Version);

    /// <inheritdoc />
    public override void Write(PostgresWriter writer) => _result = writer.Events.Apply(StreamId, Events, Serialized, ExpectedVersion);

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
