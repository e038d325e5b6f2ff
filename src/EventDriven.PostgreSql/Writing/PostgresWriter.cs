using EventDriven.PostgreSql.Inbox;
using EventDriven.PostgreSql.Sagas;
using EventDriven.Sagas.Storage;
using EventDriven.Store.GroupCommit;
using Npgsql;

namespace EventDriven.PostgreSql.Writing;

/// <summary>
/// The one writer of a PostgreSQL store in this process (see <see cref="GroupCommitWriter"/>): its thread owns one connection and
/// commits the appends, inbox marks, saga saves and dead letters queued together in one transaction, with one sync of the server's
/// write-ahead log.
/// </summary>
/// <remarks>
/// <para>
/// Appends and inbox marks are not written one statement each: the group's appends are checked in memory under the store's append
/// lock (<see cref="EventAppendSession"/>) and all their rows go in one statement, as do all the group's marks, just before the
/// commit. Other items run in a savepoint of their own, so one that fails leaves nothing behind and the group goes on (PostgreSQL
/// aborts a whole transaction at a failed statement; the savepoint is what keeps the rest of the group).
/// </para>
/// <para>
/// The connection is opened at the first group and again after it broke (a server restart, a network failure): the group that saw
/// the failure fails with a <see cref="PostgresUnavailableException"/>, and the next group reconnects.
/// </para>
/// </remarks>
internal sealed class PostgresWriter : GroupCommitWriter
{
    private readonly PostgresDatabase _database;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;

    // PostgreSQL aborts the whole transaction at a failed statement; only a rollback to a savepoint undoes that. Set when a statement
    // failed outside a savepoint, so the commit refuses instead of letting COMMIT quietly roll the group back.
    private bool _aborted;

    public PostgresWriter(PostgresDatabase database, int maxBatchSize)
        : base(maxBatchSize)
    {
        _database = database;
        Events = new EventAppendSession(database.Schema);
        Sagas = new SagaSql(database.Schema);
        Marks = new InboxMarks(database.Schema);
        Start("EventDriven.PostgreSql writer (" + database.Schema + ")");
    }

    /// <summary>The group's appends (writer thread only).</summary>
    public EventAppendSession Events { get; }

    /// <summary>The group's inbox marks (writer thread only).</summary>
    public InboxMarks Marks { get; }

    /// <summary>The saga table's statements.</summary>
    public SagaSql Sagas { get; }

    /// <summary>The store's schema name, for SQL.</summary>
    public string Schema => _database.Schema;

    /// <summary>The write connection (writer thread only, inside a group).</summary>
    public NpgsqlConnection Connection => _connection ?? throw new InvalidOperationException("The writer has no connection open.");

    /// <summary>The group's transaction: give it to every command run on <see cref="Connection"/> (writer thread only, inside a group).</summary>
    public NpgsqlTransaction Transaction => _transaction ?? throw new InvalidOperationException("No group transaction is open.");

    /// <inheritdoc />
    protected override bool IsTransactionOpen
        => _transaction is not null && _connection is { FullState: System.Data.ConnectionState.Open };

    /// <inheritdoc />
    protected override void BeginTransaction()
    {
        _database.EnsureRequiredComponents();
        try
        {
            if (_connection is not { FullState: System.Data.ConnectionState.Open })
            {
                _connection?.Dispose();
                _connection = null;
                _connection = _database.OpenWriterConnection();
            }

            _transaction = _connection.BeginTransaction();
            _aborted = false;
        }
        catch (Exception exception) when (PostgresErrors.IsUnavailable(exception))
        {
            throw _database.Unavailable(exception);
        }
    }

    /// <inheritdoc />
    protected override void OnGroupBegun(ReadOnlySpan<GroupCommitItem> group)
    {
        bool appends = false;
        foreach (GroupCommitItem item in group)
        {
            if (item is PendingAppend append && !append.CancellationToken.IsCancellationRequested)
            {
                Events.Ask(append.StreamId, append.Events);
                appends = true;
            }
        }

        if (appends)
        {
            Run(() => Events.LockAsync(Connection, Transaction, async: false, default).GetAwaiter().GetResult());
        }
    }

    /// <inheritdoc />
    protected override void CommitTransaction()
    {
        NpgsqlTransaction transaction = Transaction;
        if (_aborted)
        {
            throw new InvalidOperationException("A statement of the group failed outside a savepoint and PostgreSQL aborted the transaction; the group is rolled back.");
        }

        Run(() =>
        {
            Events.FlushAsync(Connection, transaction, async: false, default).GetAwaiter().GetResult();
            Marks.Flush(Connection, transaction);
            transaction.Commit();
        });
        transaction.Dispose();
        _transaction = null;
        Events.Reset();
        Marks.Acknowledged();
    }

    /// <inheritdoc />
    protected override void RollbackTransaction() => _transaction?.Rollback();

    /// <inheritdoc />
    protected override void BeginSavepoint() => Run(() => Transaction.Save("item"));

    /// <inheritdoc />
    protected override void ReleaseSavepoint() => Run(() => Transaction.Release("item"));

    /// <inheritdoc />
    protected override void RollbackToSavepoint()
    {
        Run(() => Transaction.Rollback("item"));
        _aborted = false;
    }

    /// <inheritdoc />
    protected override void Write(GroupCommitItem item) => Run(() =>
    {
        if (item is PendingSagaSave save)
        {
            Sagas.Save(Connection, Transaction, save.TakeForWriting(), save.ExpectedRevision);
            return;
        }

        ((PostgresWriteItem)item).Write(this);
    });

    /// <inheritdoc />
    protected override void OnTransactionRolledBack()
    {
        Events.Reset();
        Marks.RolledBack();
        try
        {
            _transaction?.Dispose();
        }
        catch (Exception)
        {
            // A broken connection's transaction: the connection is replaced at the next group.
        }

        _transaction = null;
    }

    /// <inheritdoc />
    protected override void OnStopped() => _connection?.Dispose();

    /// <summary>Runs a database call, turning a lost or refused connection into the store's <see cref="PostgresUnavailableException"/>.</summary>
    private void Run(Action call)
    {
        try
        {
            call();
        }
        catch (Exception exception) when (PostgresErrors.IsUnavailable(exception))
        {
            throw _database.Unavailable(exception);
        }
        catch (PostgresException)
        {
            _aborted = true;
            throw;
        }
    }
}
