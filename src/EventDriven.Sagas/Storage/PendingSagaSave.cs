using EventDriven.Store.GroupCommit;

namespace EventDriven.Sagas.Storage;

/// <summary>
/// The save of one instance waiting for the database's writer. Saves of the same instance that arrive before the writer reaches it
/// collapse into it (<see cref="SagaSaveQueue"/>): the newest record is written, checked against the revision the first one
/// expected, and every caller is answered after that commit. A task exists only when a caller awaits
/// (<see cref="ISagaStore.SaveAsync"/>); write-behind callers leave a failure callback.
/// </summary>
/// <remarks>A backend's writer recognises it among its items and writes <see cref="TakeForWriting"/>'s record against <see cref="ExpectedRevision"/>.</remarks>
public sealed class PendingSagaSave : GroupCommitItem
{
    private readonly SagaSaveQueue _queue;

    private TaskCompletionSource? _waiter;
    private Action<SagaRecord, Exception>? _onFailure;

    /// <summary>The record to write; replaced by a newer save of the instance until the writer takes it (under the queue's lock).</summary>
    public SagaRecord Record { get; internal set; }

    /// <summary>The revision the first of the collapsed saves expected the stored instance to have (0: not stored yet).</summary>
    public long ExpectedRevision { get; }

    internal PendingSagaSave(SagaSaveQueue queue, SagaRecord record, long expectedRevision)
    {
        _queue = queue;
        Record = record;
        ExpectedRevision = expectedRevision;
    }

    /// <inheritdoc />
    public override bool IsSingleStatement => true;

    /// <summary>The task of an awaiting caller; continuations run on the pool, never inside the writer.</summary>
    internal Task Waiter => (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    internal void AddFailureCallback(Action<SagaRecord, Exception> onFailure)
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
    /// <summary>
    /// Called by the writer inside the group's transaction: takes the save out of the queue (later saves of the instance queue anew)
    /// and returns the record to write, checked against <see cref="ExpectedRevision"/>.
    /// </summary>
    public SagaRecord TakeForWriting() => _queue.TakeForWriting(this);

    /// <inheritdoc />
    protected override void Acknowledge()
    {
        _queue.Written(this);
        if (Error is null)
        {
            _waiter?.SetResult();
            return;
        }

        _waiter?.SetException(Error);
        _onFailure?.Invoke(Record, Error);
    }
}
