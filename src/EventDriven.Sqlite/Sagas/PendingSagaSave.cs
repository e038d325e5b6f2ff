using EventDriven.Sagas;

namespace EventDriven.Sqlite.Sagas;

/// <summary>
/// The save of one instance waiting for the next commit. Saves of the same instance that arrive before that commit collapse into it:
/// the newest record is written, checked against the revision the first one expected, and every caller is answered by that commit.
/// Continuations run on the pool, never inside the writer.
/// </summary>
internal sealed class PendingSagaSave(SagaRecord record, long expectedRevision) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public SagaRecord Record { get; set; } = record;

    public long ExpectedRevision { get; } = expectedRevision;
}
