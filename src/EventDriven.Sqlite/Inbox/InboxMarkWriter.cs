using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Inbox;

/// <summary>
/// Group commit for inbox marks: marks that arrive while one is being committed are committed together in the next transaction,
/// and each caller is answered only after the transaction holding its mark has committed (an acknowledged mark is durable).
/// </summary>
/// <remarks>
/// No thread of its own: the first caller to find no commit in progress becomes the committer and writes, on its own thread,
/// everything queued. Once its own mark is committed it hands any remaining queue to the thread pool and returns, so one consumer
/// never keeps committing for the others. A single consumer awaiting each mark gets one transaction per mark; several consumers
/// (partitions) marking at once share transactions, one sync of the log each.
/// <para>The connection is used by one committer at a time (<see cref="_committing"/>), so it needs no lock of its own.</para>
/// </remarks>
internal sealed class InboxMarkWriter : IDisposable
{
    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _mark;
    private readonly SqliteParameter _consumer;
    private readonly SqliteParameter _eventId;
    private readonly SqliteParameter _processedAt;
    private List<PendingMark> _queue = [];
    private List<PendingMark> _taken = [];
    private bool _committing;
    private bool _closed;

    /// <summary>Takes ownership of <paramref name="connection"/> (open, inbox table in place).</summary>
    public InboxMarkWriter(SqliteConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _mark = _connection.CreateCommand();
        _mark.CommandText = InboxSchema.MarkSql;
        _consumer = _mark.Parameters.Add("$consumer", SqliteType.Text);
        _eventId = _mark.Parameters.Add("$event_id", SqliteType.Blob);
        _processedAt = _mark.Parameters.Add("$processed_at", SqliteType.Integer);
        _mark.Prepare();
    }

    /// <summary>Queues a mark; the task completes once it is committed: true when recorded now, false when it already was.</summary>
    public Task<bool> MarkAsync(string consumer, Guid eventId)
    {
        var mark = new PendingMark(consumer, eventId);
        bool commit;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _queue.Add(mark);
            commit = !_committing;
            _committing = true;
        }

        if (commit)
        {
            // Committed on the pool, never on the caller: the caller is usually a ring consumer, which must not wait for a disk sync
            // per event (InboxDispatch does not await the mark; it only needs it to land).
            ThreadPool.UnsafeQueueUserWorkItem(static writer => writer.CommitQueued(own: null), this, preferLocal: false);
        }

        return mark.Task;
    }

    /// <summary>Waits for the commit in progress, then closes the connection; marks queued later fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            while (_committing)
            {
                Monitor.Wait(_gate);
            }
        }

        _mark.Dispose();
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _connection.Dispose();
    }

    /// <summary>Commits the queue in groups until it is empty, or until <paramref name="own"/> is committed and the rest can go to the pool.</summary>
    private void CommitQueued(PendingMark? own)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _committing = false;
                    Monitor.PulseAll(_gate);
                    return;
                }

                if (own is { Task.IsCompleted: true })
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static writer => writer.CommitQueued(own: null), this, preferLocal: false);
                    return;
                }

                (_queue, _taken) = (_taken, _queue);
            }

            CommitGroup(_taken);
            _taken.Clear();
        }
    }

    private void CommitGroup(List<PendingMark> group)
    {
        var recorded = new bool[group.Count];
        try
        {
            _begin.ExecuteNonQuery();
            long now = _time.GetUtcNow().UtcTicks;
            for (int i = 0; i < group.Count; i++)
            {
                _consumer.Value = group[i].Consumer;
                _eventId.Value = group[i].EventId;
                _processedAt.Value = now;
                recorded[i] = _mark.ExecuteNonQuery() == 1;
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
                    // The first error is the one the callers need; the connection is unusable either way.
                }
            }

            foreach (PendingMark mark in group)
            {
                mark.Fail(exception);
            }

            return;
        }

        for (int i = 0; i < group.Count; i++)
        {
            group[i].Complete(recorded[i]);
        }
    }

    private SqliteCommand Prepare(string sql)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }

    /// <summary>One caller's mark, answered when its group commits. Continuations run on the pool, never inside the commit loop.</summary>
    private sealed class PendingMark(string consumer, Guid eventId) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public string Consumer { get; } = consumer;

        public Guid EventId { get; } = eventId;

        public void Complete(bool recorded) => SetResult(recorded);

        public void Fail(Exception exception) => SetException(exception);
    }
}
