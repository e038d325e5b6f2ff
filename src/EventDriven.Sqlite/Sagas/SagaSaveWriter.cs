using EventDriven.Sagas;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Sagas;

/// <summary>
/// Group commit for saga saves, on a thread of its own: saves queue up (one entry per instance, the newest record winning), and the
/// writer commits everything queued in one transaction, then answers each save. While one group commits, the next one gathers.
/// </summary>
/// <remarks>
/// A thread of its own, not the caller's (as the inbox does): saga saves come from the bus's consumer threads, which with
/// write-behind durability must never wait for a disk. One transaction per group, so one sync of the log per group, whatever
/// <see cref="SqliteSynchronous"/> says. A save whose revision check fails fails alone; the rest of its group commits.
/// <para>The connection and its commands are used by the writer thread only.</para>
/// </remarks>
internal sealed class SagaSaveWriter : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _revision;
    private readonly Thread _thread;
    private readonly List<(long Generation, TaskCompletionSource Done)> _flushWaiters = [];
    private Dictionary<(string, string), PendingSagaSave> _queue = [];
    private Dictionary<(string, string), PendingSagaSave> _spare = [];
    private Dictionary<(string, string), PendingSagaSave>? _inFlight;
    private long _committedGeneration;
    private bool _idle;
    private bool _closed;

    /// <summary>Takes ownership of <paramref name="connection"/> (open, saga table in place) and starts the writer thread.</summary>
    public SagaSaveWriter(SqliteConnection connection)
    {
        _connection = connection;
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _insert = Prepare(SagaSchema.InsertSql, withExpected: false);
        _update = Prepare(SagaSchema.UpdateSql, withExpected: true);
        _revision = _connection.CreateCommand();
        _revision.CommandText = SagaSchema.RevisionSql;
        _revision.Parameters.Add("$saga_type", SqliteType.Text);
        _revision.Parameters.Add("$correlation_id", SqliteType.Text);
        _thread = new Thread(Run) { IsBackground = true, Name = "EventDriven saga writer" };
        _thread.Start();
    }

    /// <summary>Queues a save; the task completes once it is committed, or fails with <see cref="SagaConcurrencyException"/>.</summary>
    public Task SaveAsync(SagaRecord record, long expectedRevision)
    {
        lock (_gate)
        {
            return Enqueue(record, expectedRevision)?.Waiter
                ?? Task.FromException(Conflict(record, expectedRevision));
        }
    }

    /// <summary>Queues a save without a task; a failure at commit goes to <paramref name="onFailure"/>, a conflict with a queued save is thrown.</summary>
    public void SaveInBackground(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception> onFailure)
    {
        lock (_gate)
        {
            PendingSagaSave save = Enqueue(record, expectedRevision) ?? throw Conflict(record, expectedRevision);
            save.AddFailureCallback(onFailure);
        }
    }

    /// <summary>The newest record queued or being committed for the instance, if any: what a load must see before the table.</summary>
    public SagaRecord? FindUncommitted(string sagaType, string correlationId)
    {
        var key = (sagaType, correlationId);
        lock (_gate)
        {
            if (_queue.TryGetValue(key, out PendingSagaSave? queued))
            {
                return queued.Record;
            }

            return _inFlight is not null && _inFlight.TryGetValue(key, out PendingSagaSave? writing) ? writing.Record : null;
        }
    }

    /// <summary>Completes when every save queued before the call has been committed (or has failed).</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            long target = _committedGeneration + (_inFlight is null ? 0 : 1) + (_queue.Count == 0 ? 0 : 1);
            if (target == _committedGeneration)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushWaiters.Add((target, done));
            return done.Task;
        }
    }

    /// <summary>Commits what is queued, stops the thread and closes the connection; saves queued later fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            WakeWriter();
        }

        _thread.Join();
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _insert.Dispose();
        _update.Dispose();
        _revision.Dispose();
        _connection.Dispose();
        _wake.Dispose();
    }

    /// <summary>Adds the save to the queue, or folds it into the queued save of the same instance; null when it does not build on that one.</summary>
    private PendingSagaSave? Enqueue(SagaRecord record, long expectedRevision)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var key = (record.SagaType, record.CorrelationId);
        if (_queue.TryGetValue(key, out PendingSagaSave? queued))
        {
            // A newer save of an instance already waiting: it must build on the queued revision, and then replaces it.
            if (queued.Record.Revision != expectedRevision)
            {
                return null;
            }

            queued.Record = record;
            return queued;
        }

        var save = new PendingSagaSave(record, expectedRevision);
        _queue.Add(key, save);
        WakeWriter();
        return save;
    }

    private SagaConcurrencyException Conflict(SagaRecord record, long expectedRevision)
        => new(record.SagaType, record.CorrelationId, expectedRevision, _queue[(record.SagaType, record.CorrelationId)].Record.Revision);

    private void WakeWriter()
    {
        if (_idle)
        {
            _idle = false;
            _wake.Release();
        }
    }

    private void Run()
    {
        while (true)
        {
            Dictionary<(string, string), PendingSagaSave> group;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    if (_closed)
                    {
                        return;
                    }

                    _idle = true;
                    group = null!;
                }
                else
                {
                    group = _queue;
                    _queue = _spare;
                    _inFlight = group;
                }
            }

            if (group is null)
            {
                _wake.Wait();
                continue;
            }

            Exception?[] outcomes = CommitGroup(group);
            List<(long, TaskCompletionSource Done)>? flushed = null;
            lock (_gate)
            {
                _inFlight = null;
                _committedGeneration++;
                for (int i = _flushWaiters.Count - 1; i >= 0; i--)
                {
                    if (_flushWaiters[i].Generation <= _committedGeneration)
                    {
                        (flushed ??= []).Add(_flushWaiters[i]);
                        _flushWaiters.RemoveAt(i);
                    }
                }
            }

            int index = 0;
            foreach (PendingSagaSave save in group.Values)
            {
                save.Complete(outcomes[index++]);
            }

            group.Clear();
            lock (_gate)
            {
                _spare = group;
            }

            foreach ((long _, TaskCompletionSource done) in flushed ?? [])
            {
                done.SetResult();
            }
        }
    }

    /// <summary>Writes one group in one transaction. Returns, per save in the group's order, null (committed) or its failure.</summary>
    private Exception?[] CommitGroup(Dictionary<(string, string), PendingSagaSave> group)
    {
        var outcomes = new Exception?[group.Count];
        try
        {
            _begin.ExecuteNonQuery();
            int index = 0;
            foreach (PendingSagaSave save in group.Values)
            {
                SagaRecord record = save.Record;
                SqliteCommand write = save.ExpectedRevision == 0 ? _insert : _update;
                write.Parameters["$saga_type"].Value = record.SagaType;
                write.Parameters["$correlation_id"].Value = record.CorrelationId;
                write.Parameters["$revision"].Value = record.Revision;
                write.Parameters["$status"].Value = (int)record.Status;
                write.Parameters["$state"].Value = record.Data;
                write.Parameters["$timeout_at"].Value = record.TimeoutAt is { } at ? at.UtcTicks : DBNull.Value;
                write.Parameters["$updated_at"].Value = record.UpdatedAt.UtcTicks;
                if (save.ExpectedRevision != 0)
                {
                    write.Parameters["$expected"].Value = save.ExpectedRevision;
                }

                if (write.ExecuteNonQuery() == 0)
                {
                    outcomes[index] = new SagaConcurrencyException(record.SagaType, record.CorrelationId, save.ExpectedRevision, ReadRevision(record));
                }

                index++;
            }

            _commit.ExecuteNonQuery();
        }
        catch (Exception exception)
        {
            // Some errors (a full disk, an I/O error) end the transaction themselves; a second rollback would hide the first error.
            if (SqliteSchema.IsInTransaction(_connection))
            {
                try
                {
                    _rollback.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // The first error is the one the callers need.
                }
            }

            Array.Fill(outcomes, exception);
        }

        return outcomes;
    }

    private long? ReadRevision(SagaRecord record)
    {
        _revision.Parameters["$saga_type"].Value = record.SagaType;
        _revision.Parameters["$correlation_id"].Value = record.CorrelationId;
        return _revision.ExecuteScalar() is { } revision ? Convert.ToInt64(revision, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private SqliteCommand Prepare(string sql)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }

    private SqliteCommand Prepare(string sql, bool withExpected)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$saga_type", SqliteType.Text);
        command.Parameters.Add("$correlation_id", SqliteType.Text);
        command.Parameters.Add("$revision", SqliteType.Integer);
        command.Parameters.Add("$status", SqliteType.Integer);
        command.Parameters.Add("$state", SqliteType.Blob);
        command.Parameters.Add("$timeout_at", SqliteType.Integer);
        command.Parameters.Add("$updated_at", SqliteType.Integer);
        if (withExpected)
        {
            command.Parameters.Add("$expected", SqliteType.Integer);
        }

        command.Prepare();
        return command;
    }
}
