using System.Threading.Tasks.Sources;
using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Sqlite;

/// <summary>
/// One append waiting for the writer: its serialized events, and the task its caller awaits, completed only after the transaction
/// that wrote it has committed (or with the reason it was not written).
/// </summary>
/// <remarks>
/// The object is its own <see cref="IValueTaskSource{TResult}"/>: an append costs this one allocation for its wait instead of a
/// <see cref="TaskCompletionSource{TResult}"/> and its task. Continuations run asynchronously so that the writer thread never runs
/// callers' code between two commits.
/// </remarks>
internal sealed class PendingAppend : IValueTaskSource<AppendResult>
{
    private ManualResetValueTaskSourceCore<AppendResult> _completion = new() { RunContinuationsAsynchronously = true };
    private AppendResult? _result;
    private Exception? _error;

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

    public CancellationToken CancellationToken { get; }

    /// <summary>Whether the writer decided this append's outcome as a failure (so a rollback of the group need not touch it).</summary>
    public bool Failed => _error is not null;

    public ValueTask<AppendResult> AsValueTask() => new(this, _completion.Version);

    /// <summary>Records the outcome; the caller learns it at <see cref="Complete"/>, after the commit.</summary>
    public void Succeed(AppendResult result)
    {
        _result = result;
        _error = null;
    }

    /// <inheritdoc cref="Succeed"/>
    public void Fail(Exception error)
    {
        _result = null;
        _error = error;
    }

    /// <summary>Hands the recorded outcome to the caller.</summary>
    public void Complete()
    {
        if (_error is not null)
        {
            _completion.SetException(_error);
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
