using EventDriven.Store;

namespace EventDriven.Sqlite;

/// <summary>What a committed <see cref="SqliteUnitOfWork"/> wrote.</summary>
public sealed class SqliteUnitOfWorkResult
{
    internal SqliteUnitOfWorkResult(AppendResult[] appends, bool[] marksRecorded)
    {
        AppendSlots = appends;
        MarkSlots = marksRecorded;
    }

    /// <summary>The result of each <see cref="SqliteUnitOfWork.Append"/>, in the order they were added.</summary>
    public IReadOnlyList<AppendResult> Appends => AppendSlots;

    /// <summary>For each <see cref="SqliteUnitOfWork.MarkHandled"/>, in order: true when recorded now, false when it already was.</summary>
    public IReadOnlyList<bool> MarksRecorded => MarkSlots;

    /// <summary>Filled in by the writer as the parts run.</summary>
    internal AppendResult[] AppendSlots { get; }

    /// <inheritdoc cref="AppendSlots"/>
    internal bool[] MarkSlots { get; }
}
