using EventDriven.PostgreSql.Inbox;
using EventDriven.PostgreSql.Sagas;
using EventDriven.Sagas.Storage;
using EventDriven.Store.GroupCommit;
using Npgsql;

namespace EventDriven.PostgreSql.Writing;

/// <summary>
/// The one writer of a PostgreSQL store in this process (see <see cref="GroupCommitWriter"/>): its thread owns one connection and
/// commits the appends, inbox marks, saga saves and dead letters queued together in one transaction, with one sync of the server's
/// write-ahead log, in at most two round trips.
/// </summary>
/// <remarks>
/// <para>
/// <b>Round trips.</b> A group with appends sends <c>BEGIN</c>, the append lock and the reads the appends need in one batch
/// (<see cref="EventAppendSession"/>); the appends are then checked in memory, and one closing batch writes every row of the group
/// (one insert of events, one of inbox marks, one insert and one update of saga instances) and <c>COMMIT</c>s. A group without
/// appends is the closing batch alone. Only a dead letter runs a statement of its own, in a savepoint (a failure leaves nothing of it).
/// </para>
/// <para>
/// The transaction is driven with plain <c>BEGIN</c>/<c>COMMIT</c>/<c>ROLLBACK</c> so that they travel in the batches. PostgreSQL aborts
/// a whole transaction at a failed statement; outside a savepoint the group then fails as a whole instead of letting <c>COMMIT</c>
/// quietly roll it back.
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
    private bool _beginPending;
    private bool _inTransaction;
    private bool _aborted;

    public PostgresWriter(PostgresDatabase database, int maxBatchSize)
        : base(maxBatchSize)
    {
        _database = database;
        Events = new EventAppendSession(database.Schema, () => database.Outbox);
        Marks = new InboxMarks(database.Schema);
        Sagas = new SagaSaves(database.Schema);
        Start("EventDriven.PostgreSql writer (" + database.Schema + ")");
    }

    /// <summary>The group's appends (writer thread only).</summary>
    public EventAppendSession Events { get; }

    /// <summary>The group's inbox marks (writer thread only).</summary>
    public InboxMarks Marks { get; }

    /// <summary>The group's saga saves (writer thread only).</summary>
    public SagaSaves Sagas { get; }

    /// <summary>The store's schema name, for SQL.</summary>
    public string Schema => _database.Schema;

    private NpgsqlConnection Connection => _connection ?? throw new InvalidOperationException("The writer has no connection open.");

    /// <inheritdoc />
    protected override bool IsTransactionOpen => (_inTransaction || _beginPending) && _connection is { FullState: System.Data.ConnectionState.Open };

    /// <summary>A command on the writer's connection, inside the group's transaction (begun first if it is not yet).</summary>
    public NpgsqlCommand Command(string sql)
    {
        BeginIfPending();
        return new NpgsqlCommand(sql, Connection);
    }

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
        }
        catch (Exception exception) when (PostgresErrors.IsUnavailable(exception))
        {
            throw _database.Unavailable(exception);
        }

        // BEGIN travels with the group's first batch.
        _beginPending = true;
        _inTransaction = false;
        _aborted = false;
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

        if (!appends)
        {
            return;
        }

        Run(() =>
        {
            using NpgsqlBatch batch = NewBatch();
            Events.AddLockAndReads(batch);
            using NpgsqlDataReader reader = batch.ExecuteReader();
            Events.ReadLockAndReadsAsync(reader, async: false, default).GetAwaiter().GetResult();
        });
    }

    /// <inheritdoc />
    protected override void CommitTransaction()
    {
        if (_aborted)
        {
            throw new InvalidOperationException("A statement of the group failed outside a savepoint and PostgreSQL aborted the transaction; the group is rolled back.");
        }

        Run(() =>
        {
            using NpgsqlBatch batch = NewBatch();
            NpgsqlBatchCommand? events = Events.AddInsert(batch);
            bool marks = Marks.AddInsert(batch);
            int sagaSets = Sagas.AddWrites(batch);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            using (NpgsqlDataReader reader = batch.ExecuteReader())
            {
                // Result sets come only from the statements that return rows, in batch order: marks, then the saga statements.
                if (marks)
                {
                    Marks.ReadRecorded(reader);
                    reader.NextResult();
                }

                for (int i = 0; i < sagaSets; i++)
                {
                    Sagas.ReadWritten(reader);
                    reader.NextResult();
                }

                while (reader.NextResult())
                {
                }
            }

            _inTransaction = false;
            if (events is not null)
            {
                Events.CheckWritten(events.RecordsAffected);
            }
        });

        Sagas.FailConflicts(Connection);
        Events.Reset();
        Marks.Acknowledged();
        Sagas.Clear();
    }

    /// <inheritdoc />
    protected override void RollbackTransaction()
    {
        if (_inTransaction)
        {
            using var rollback = new NpgsqlCommand("ROLLBACK", Connection);
            rollback.ExecuteNonQuery();
        }

        _inTransaction = false;
        _beginPending = false;
    }

    /// <inheritdoc />
    protected override void BeginSavepoint() => Execute("SAVEPOINT item");

    /// <inheritdoc />
    protected override void ReleaseSavepoint() => Execute("RELEASE item");

    /// <inheritdoc />
    protected override void RollbackToSavepoint()
    {
        Execute("ROLLBACK TO item");
        Execute("RELEASE item");
        _aborted = false;
    }

    /// <inheritdoc />
    protected override void Write(GroupCommitItem item)
    {
        // Called once per item of every group: no closure for Run here.
        try
        {
            if (item is PendingSagaSave save)
            {
                Sagas.Add(save);
                return;
            }

            ((PostgresWriteItem)item).Write(this);
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

    /// <inheritdoc />
    protected override void OnTransactionRolledBack()
    {
        Events.Reset();
        Marks.RolledBack();
        Sagas.Clear();
        _inTransaction = false;
        _beginPending = false;
    }

    /// <inheritdoc />
    protected override void OnStopped() => _connection?.Dispose();

    private NpgsqlBatch NewBatch()
    {
        var batch = new NpgsqlBatch(Connection);
        if (_beginPending)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            _beginPending = false;
            _inTransaction = true;
        }

        return batch;
    }

    private void BeginIfPending()
    {
        if (_beginPending)
        {
            _beginPending = false;
            _inTransaction = true;
            using var begin = new NpgsqlCommand("BEGIN", Connection);
            begin.ExecuteNonQuery();
        }
    }

    private void Execute(string sql) => Run(() =>
    {
        using NpgsqlCommand command = Command(sql);
        command.ExecuteNonQuery();
    });

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
