using EventDriven.Sagas;
using EventDriven.Sqlite.Writing;

namespace EventDriven.Sqlite.Sagas;

/// <summary>
/// The save of one instance waiting for the database's writer. Saves of the same instance that arrive before the writer reaches it
/// collapse into it (<see cref="SagaSaveQueue"/>): the newest record is written, checked against the revision the first one
/// expected, and every caller is answered after that commit. A task exists only when a caller awaits
/// (<see cref="ISagaStore.SaveAsync"/>); write-behind callers leave a failure callback.
/// </summary>
internal sealed class PendingSagaSave(SagaSaveQueue queue, SagaRecord record, long expectedRevision) : SqliteWriteItem
{
    private TaskCompletionSource? _waiter;
    private Action<SagaRecord, Exception>? _onFailure;

    /// <summary>The record to write; replaced by a newer save of the instance until the writer takes it (under the queue's lock).</summary>
    public SagaRecord Record { get; set; } = record;

    public long ExpectedRevision { get; } = expectedRevision;

    /// <inheritdoc />
    public override bool IsSingleStatement => true;

    /// <summary>The task of an awaiting caller; continuations run on the pool, never inside the writer.</summary>
    public Task Waiter => (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void AddFailureCallback(Action<SagaRecord, Exception> onFailure)
    {
        if (_onFailure is null)
        {
            _onFailure = onFailure;
        }
        else if (!ReferenceEquals(_onFailure, onFailure))
        {
            _onFailure += onFailure;
        }
    }

    /// <inheritdoc />
    public override void Write(SqliteWriter writer) => SagaSchema.Save(writer, queue.TakeForWriting(this), ExpectedRevision);

    /// <inheritdoc />
    protected override void Acknowledge()
    {
        queue.Written(this);
        if (Error is null)
        {
            _waiter?.SetResult();
            return;
        }

        _waiter?.SetException(Error);
        _onFailure?.Invoke(Record, Error);
    }
}
