using EventDriven.Outbox;
using EventDriven.Sagas.Storage;
using EventDriven.Serialization;
using EventDriven.Sqlite.Outbox;
using EventDriven.Store;
using EventDriven.Store.GroupCommit;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Writing;

/// <summary>
/// The one writer of a SQLite file (see <see cref="GroupCommitWriter"/>): its thread owns the file's single write connection and
/// commits event appends, inbox marks, saga saves, dead letters and units of work together, one transaction per group.
/// </summary>
/// <remarks>
/// The group's transaction is a <see cref="SqliteTransaction"/>, so a user's own commands in a unit of work run in it through
/// Microsoft.Data.Sqlite as usual; savepoints and the append statements run through SQLite's own API (<see cref="SqliteStatement"/>).
/// The statements of each kind of write are prepared when that kind is first written (its tables exist by then), and the event
/// appender's memory of stream heads survives every commit of this writer: only another connection's commit invalidates it.
/// </remarks>
internal sealed class SqliteWriter : GroupCommitWriter
{
    private readonly SqliteConnection _connection;
    private readonly SqliteStatement _savepoint;
    private readonly SqliteStatement _releaseSavepoint;
    private readonly SqliteStatement _rollbackToSavepoint;
    private SqliteTransaction? _transaction;
    private SqliteEventAppender? _events;
    private SqliteCommandCache? _commands;
    private OutboxOptions? _outbox;
    private bool _outboxWrittenInGroup;
    private Action<string, EventToAppend, SerializedEvent>? _writeOutboxRow;

    /// <summary>Takes ownership of <paramref name="connection"/> (open, the file claimed) and starts the writer thread.</summary>
    public SqliteWriter(SqliteConnection connection, int maxBatchSize, string databasePath)
        : base(maxBatchSize)
    {
        _connection = connection;
        _savepoint = new(connection, "SAVEPOINT item");
        _releaseSavepoint = new(connection, "RELEASE item");
        _rollbackToSavepoint = new(connection, "ROLLBACK TO item");
        Start("EventDriven.Sqlite writer (" + Path.GetFileName(databasePath) + ")");
    }

    /// <summary>The write connection (writer thread only).</summary>
    public SqliteConnection Connection => _connection;

    /// <summary>The group's transaction: give it to every command run on <see cref="Connection"/> (writer thread only, inside a group).</summary>
    public SqliteTransaction Transaction => _transaction ?? throw new InvalidOperationException("No group transaction is open.");

    /// <summary>The event appender, created at the first append (the events table exists by then).</summary>
    public SqliteEventAppender Events => _events ??= new SqliteEventAppender(_connection);

    /// <summary>How many times the appender read the stream heads again (0 before the first append); any thread.</summary>
    public long EventHeadReloads => Volatile.Read(ref _events)?.Reloads ?? 0;

    /// <summary>Prepared commands of the other kinds of writes, by SQL text.</summary>
    public SqliteCommandCache Commands => _commands ??= new SqliteCommandCache(_connection);

    /// <summary>Set after every commit that wrote outbox rows: what wakes this process's relay at once.</summary>
    public OutboxSignal OutboxCommitted { get; } = new();

    /// <summary>Which appended event types also get an outbox row (null: none); set once, before the first append that needs it.</summary>
    public OutboxOptions? Outbox
    {
        get => Volatile.Read(ref _outbox);
        set => Volatile.Write(ref _outbox, value);
    }

    /// <summary>
    /// Appends through <see cref="Events"/> and, for each event written now (not a duplicate) whose type the outbox includes, adds its
    /// outbox row with the stream as the partition key, in the same transaction (writer thread only, inside a group).
    /// </summary>
    public AppendResult Append(string streamId, EventToAppend[] events, SerializedEvent[] serialized, ExpectedVersion expectedVersion)
    {
        SqliteEventAppender appender = Events;
        appender.Inserted = Outbox is null ? null : _writeOutboxRow ??= WriteOutboxRow;
        return appender.Append(CurrentGroup, streamId, events, serialized, expectedVersion);
    }

    /// <summary>Notes that the open group wrote outbox rows (writer thread only).</summary>
    public void OutboxWritten() => _outboxWrittenInGroup = true;

    /// <summary>Which group is being written (for the appender's once-per-transaction check of other connections' commits).</summary>
    public long CurrentGroup => GroupNumber;

    /// <inheritdoc />
    protected override bool IsTransactionOpen => SqliteSchema.IsInTransaction(_connection);

    /// <inheritdoc />
    protected override void BeginTransaction() => _transaction = _connection.BeginTransaction(deferred: false);

    /// <inheritdoc />
    protected override void CommitTransaction()
    {
        SqliteTransaction transaction = Transaction;
        _transaction = null;
        try
        {
            transaction.Commit();
        }
        finally
        {
            transaction.Dispose();
        }

        if (_outboxWrittenInGroup)
        {
            _outboxWrittenInGroup = false;
            OutboxCommitted.Set();
        }
    }

    /// <inheritdoc />
    protected override void RollbackTransaction() => _transaction?.Rollback();

    /// <inheritdoc />
    protected override void BeginSavepoint() => _savepoint.Execute();

    /// <inheritdoc />
    protected override void ReleaseSavepoint() => _releaseSavepoint.Execute();

    /// <inheritdoc />
    protected override void RollbackToSavepoint()
    {
        _rollbackToSavepoint.Execute();
        _releaseSavepoint.Execute();
    }

    /// <inheritdoc />
    protected override void Write(GroupCommitItem item)
    {
        if (item is PendingSagaSave save)
        {
            Sagas.SagaSchema.Save(this, save.TakeForWriting(), save.ExpectedRevision);
            return;
        }

        ((SqliteWriteItem)item).Write(this);
    }

    /// <inheritdoc />
    protected override void OnItemRolledBack(GroupCommitItem item) => _events?.Forget();

    /// <inheritdoc />
    protected override void OnTransactionRolledBack()
    {
        _events?.Forget();
        _outboxWrittenInGroup = false;

        // Rolled back or ended by SQLite itself: the transaction object only needs completing (it knows an external rollback).
        _transaction?.Dispose();
        _transaction = null;
    }

    private void WriteOutboxRow(string streamId, EventToAppend item, SerializedEvent serialized)
    {
        if (Outbox!.Includes(serialized.EventType))
        {
            OutboxSchema.Insert(this, item, serialized, streamId);
        }
    }

    /// <inheritdoc />
    protected override void OnStopped()
    {
        _events?.Dispose();
        _commands?.Dispose();
        _savepoint.Dispose();
        _releaseSavepoint.Dispose();
        _rollbackToSavepoint.Dispose();
        _connection.Dispose();
    }
}
