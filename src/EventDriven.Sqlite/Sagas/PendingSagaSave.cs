using EventDriven.Sagas;

namespace EventDriven.Sqlite.Sagas;

/// <summary>
/// The save of one instance waiting for the next commit. Saves of the same instance that arrive before that commit collapse into it:
/// the newest record is written, checked against the revision the first one expected, and every caller is answered by that commit.
/// A task exists only when a caller awaits (<see cref="ISagaStore.SaveAsync"/>); write-behind callers leave a failure callback.
/// </summary>
internal sealed class PendingSagaSave(SagaRecord record, long expectedRevision)
{
    private TaskCompletionSource? _waiter;
    private Action<SagaRecord, Exception>? _onFailure;

    public SagaRecord Record { get; set; } = record;

    public long ExpectedRevision { get; } = expectedRevision;

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

    /// <summary>Answers everyone waiting on this save: called once, by the writer, outside its lock.</summary>
    public void Complete(Exception? failure)
    {
        if (failure is null)
        {
            _waiter?.SetResult();
            return;
        }

        _waiter?.SetException(failure);
        _onFailure?.Invoke(Record, failure);
    }
}
