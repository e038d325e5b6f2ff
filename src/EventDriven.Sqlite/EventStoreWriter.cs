using EventDriven.Serialization;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// The single writer of a <see cref="SqliteEventStore"/>: group commit. Appends from any number of threads queue here; one thread
/// takes everything queued, writes it in one transaction (each append checked and written on its own, so a conflicting append
/// fails alone), commits once, and only then completes each append.
/// </summary>
/// <remarks>
/// One commit (one fsync with <see cref="SqliteSynchronous.Full"/>) covers every append of the group, so durability costs each
/// append the latency of one commit but not throughput: the more producers wait, the larger the groups. The thread is dedicated
/// because every SQLite call blocks (a commit waits for the disk); it sleeps on a monitor while nothing is queued. The statements
/// are prepared once and reused with new parameter values.
/// </remarks>
internal sealed class EventStoreWriter
{
    private static readonly IReadOnlyList<Guid> s_noDuplicates = Array.Empty<Guid>();

    private readonly SqliteConnection _connection;
    private readonly int _maxBatchSize;
    private readonly object _queueGate = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<Guid> _idsOfAppend = [];
    private List<PendingAppend> _queue = [];
    private List<PendingAppend> _taken = [];
    private bool _writerSleeping;
    private bool _closing;

    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _releaseSavepoint;
    private readonly SqliteCommand _rollbackToSavepoint;
    private readonly SqliteCommand _lastPosition;
    private readonly SqliteCommand _streamHead;
    private readonly SqliteParameter _streamHeadStreamId;
    private readonly SqliteCommand _idExists;
    private readonly SqliteParameter _idExistsId;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _position;
    private readonly SqliteParameter _streamId;
    private readonly SqliteParameter _streamVersion;
    private readonly SqliteParameter _eventId;
    private readonly SqliteParameter _eventType;
    private readonly SqliteParameter _schemaVersion;
    private readonly SqliteParameter _occurredAt;
    private readonly SqliteParameter _causationId;
    private readonly SqliteParameter _correlationId;
    private readonly SqliteParameter _metadata;
    private readonly SqliteParameter _payload;

    /// <summary>Takes ownership of <paramref name="connection"/> (open, schema in place) and starts the writer thread.</summary>
    public EventStoreWriter(SqliteConnection connection, int maxBatchSize, string databasePath)
    {
        _connection = connection;
        _maxBatchSize = maxBatchSize;

        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _savepoint = Prepare("SAVEPOINT append");
        _releaseSavepoint = Prepare("RELEASE append");
        _rollbackToSavepoint = Prepare("ROLLBACK TO append");
        _lastPosition = Prepare("SELECT coalesce(max(position), 0) FROM events");
        _streamHead = Prepare("SELECT stream_version, position FROM events WHERE stream_id = $stream_id ORDER BY stream_version DESC LIMIT 1", out _streamHeadStreamId, "$stream_id", SqliteType.Text);
        _idExists = Prepare("SELECT 1 FROM events WHERE event_id = $event_id", out _idExistsId, "$event_id", SqliteType.Blob);

        // ON CONFLICT(event_id) only: a duplicate id is skipped (and reported), while a clash on (stream_id, stream_version),
        // which the version check rules out, would still fail loudly.
        _insert = _connection.CreateCommand();
        _insert.CommandText = """
            INSERT INTO events (position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, causation_id, correlation_id, metadata, payload)
            VALUES ($position, $stream_id, $stream_version, $event_id, $event_type, $schema_version, $occurred_at, $causation_id, $correlation_id, $metadata, $payload)
            ON CONFLICT (event_id) DO NOTHING
            """;
        _position = _insert.Parameters.Add("$position", SqliteType.Integer);
        _streamId = _insert.Parameters.Add("$stream_id", SqliteType.Text);
        _streamVersion = _insert.Parameters.Add("$stream_version", SqliteType.Integer);
        _eventId = _insert.Parameters.Add("$event_id", SqliteType.Blob);
        _eventType = _insert.Parameters.Add("$event_type", SqliteType.Text);
        _schemaVersion = _insert.Parameters.Add("$schema_version", SqliteType.Integer);
        _occurredAt = _insert.Parameters.Add("$occurred_at", SqliteType.Integer);
        _causationId = _insert.Parameters.Add("$causation_id", SqliteType.Blob);
        _correlationId = _insert.Parameters.Add("$correlation_id", SqliteType.Blob);
        _metadata = _insert.Parameters.Add("$metadata", SqliteType.Text);
        _payload = _insert.Parameters.Add("$payload", SqliteType.Blob);
        _insert.Prepare();

        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = "EventDriven.Sqlite writer (" + Path.GetFileName(databasePath) + ")",
        };
        _thread.Start();
    }

    /// <summary>Completes when the writer has committed everything queued before <see cref="Close"/> and released its connection.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Queues <paramref name="append"/> for the next group; false once the store is closing.</summary>
    public bool TryEnqueue(PendingAppend append)
    {
        lock (_queueGate)
        {
            if (_closing)
            {
                return false;
            }

            _queue.Add(append);
            if (_writerSleeping)
            {
                Monitor.Pulse(_queueGate);
            }
        }

        return true;
    }

    /// <summary>Stops accepting appends; the writer commits what is queued, then stops (see <see cref="Stopped"/>).</summary>
    public void Close()
    {
        lock (_queueGate)
        {
            _closing = true;
            Monitor.Pulse(_queueGate);
        }
    }

    private SqliteCommand Prepare(string sql)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }

    private SqliteCommand Prepare(string sql, out SqliteParameter parameter, string name, SqliteType type)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        parameter = command.Parameters.Add(name, type);
        command.Prepare();
        return command;
    }

    private void Run()
    {
        try
        {
            while (TakeQueued())
            {
                int start = 0;
                while (start < _taken.Count)
                {
                    int end = start;
                    int events = 0;
                    do
                    {
                        events += _taken[end].Events.Length;
                        end++;
                    }
                    while (end < _taken.Count && events + _taken[end].Events.Length <= _maxBatchSize);

                    CommitGroup(start, end);
                    start = end;
                }

                _taken.Clear();
            }
        }
        finally
        {
            DisposeCommands();
            _connection.Dispose();
            _stopped.TrySetResult();
        }
    }

    /// <summary>Waits until appends are queued and swaps them into <see cref="_taken"/>; false when closing and nothing is left.</summary>
    private bool TakeQueued()
    {
        lock (_queueGate)
        {
            while (_queue.Count == 0)
            {
                if (_closing)
                {
                    return false;
                }

                _writerSleeping = true;
                Monitor.Wait(_queueGate);
                _writerSleeping = false;
            }

            (_queue, _taken) = (_taken, _queue);
            return true;
        }
    }

    private void CommitGroup(int start, int end)
    {
        try
        {
            _begin.ExecuteNonQuery();
            long position = (long)_lastPosition.ExecuteScalar()!;
            for (int i = start; i < end; i++)
            {
                PendingAppend append = _taken[i];
                if (append.CancellationToken.IsCancellationRequested)
                {
                    append.Fail(new OperationCanceledException(append.CancellationToken));
                    continue;
                }

                try
                {
                    append.Succeed(Apply(append, ref position));
                }
                catch (ConcurrencyException ex)
                {
                    append.Fail(ex);
                }
                catch (Exception ex) when (ex is SqliteException or InvalidOperationException && SqliteSchema.IsInTransaction(_connection))
                {
                    // This append alone failed and its savepoint was rolled back; the group goes on.
                    append.Fail(ex);
                }
            }

            _commit.ExecuteNonQuery();
        }
        catch (Exception ex)
        {
            // The transaction could not be committed (a full disk, an I/O error): nothing of the group was written.
            if (SqliteSchema.IsInTransaction(_connection))
            {
                try
                {
                    _rollback.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // The original error is the one to report.
                }
            }

            for (int i = start; i < end; i++)
            {
                if (!_taken[i].Failed)
                {
                    _taken[i].Fail(ex);
                }
            }
        }

        for (int i = start; i < end; i++)
        {
            _taken[i].Complete();
        }
    }

    private AppendResult Apply(PendingAppend append, ref long position)
    {
        EventToAppend[] events = append.Events;
        (long version, long lastPosition) = ReadStreamHead(append.StreamId);
        if (events.Length == 1)
        {
            return ApplySingle(append, version, lastPosition, ref position);
        }

        // Which events are new: an id already stored, or repeated within this append, is skipped and reported.
        List<Guid>? duplicates = null;
        bool[]? isDuplicate = null;
        _idsOfAppend.Clear();
        for (int i = 0; i < events.Length; i++)
        {
            Guid id = events[i].Event.Id;
            if (!_idsOfAppend.Add(id) || IdExists(id))
            {
                (duplicates ??= []).Add(id);
                (isDuplicate ??= new bool[events.Length])[i] = true;
            }
        }

        int fresh = events.Length - (duplicates?.Count ?? 0);
        if (fresh == 0)
        {
            // Every event is already stored: a retry of an append that succeeded. No version check, so the retry is safe.
            return new AppendResult(version, lastPosition, 0, (IReadOnlyList<Guid>?)duplicates ?? s_noDuplicates);
        }

        if (!append.ExpectedVersion.IsSatisfiedBy(version))
        {
            throw new ConcurrencyException(append.StreamId, append.ExpectedVersion, version);
        }

        // Several rows: a savepoint makes them all-or-nothing within the group's transaction.
        long positionBefore = position;
        _savepoint.ExecuteNonQuery();
        try
        {
            for (int i = 0; i < events.Length; i++)
            {
                if (isDuplicate is not null && isDuplicate[i])
                {
                    continue;
                }

                if (Insert(append.StreamId, ++version, ++position, events[i], append.Serialized[i]) == 0)
                {
                    throw new InvalidOperationException($"Event {events[i].Event.Id} was found new and then clashed on insert; the append was rolled back.");
                }
            }

            _releaseSavepoint.ExecuteNonQuery();
        }
        catch
        {
            position = positionBefore;
            if (SqliteSchema.IsInTransaction(_connection))
            {
                _rollbackToSavepoint.ExecuteNonQuery();
                _releaseSavepoint.ExecuteNonQuery();
            }

            throw;
        }

        return new AppendResult(version, position, fresh, (IReadOnlyList<Guid>?)duplicates ?? s_noDuplicates);
    }

    /// <summary>
    /// The common case, one event: no savepoint (one statement is atomic on its own) and, when the version check passes, no separate
    /// duplicate lookup (the insert's ON CONFLICT finds it).
    /// </summary>
    private AppendResult ApplySingle(PendingAppend append, long version, long lastPosition, ref long position)
    {
        EventToAppend item = append.Events[0];
        Guid id = item.Event.Id;
        if (!append.ExpectedVersion.IsSatisfiedBy(version))
        {
            if (IdExists(id))
            {
                return new AppendResult(version, lastPosition, 0, [id]);
            }

            throw new ConcurrencyException(append.StreamId, append.ExpectedVersion, version);
        }

        if (Insert(append.StreamId, version + 1, position + 1, item, append.Serialized[0]) == 0)
        {
            return new AppendResult(version, lastPosition, 0, [id]);
        }

        position++;
        return new AppendResult(version + 1, position, 1, s_noDuplicates);
    }

    private (long Version, long Position) ReadStreamHead(string streamId)
    {
        _streamHeadStreamId.Value = streamId;
        using SqliteDataReader reader = _streamHead.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : (-1, 0);
    }

    private bool IdExists(Guid id)
    {
        _idExistsId.Value = id;
        return _idExists.ExecuteScalar() is not null;
    }

    private int Insert(string streamId, long streamVersion, long position, EventToAppend item, SerializedEvent serialized)
    {
        _position.Value = position;
        _streamId.Value = streamId;
        _streamVersion.Value = streamVersion;
        _eventId.Value = item.Event.Id;
        _eventType.Value = serialized.EventType;
        _schemaVersion.Value = serialized.SchemaVersion;
        _occurredAt.Value = item.Event.OccurredAt.UtcTicks;
        _causationId.Value = item.CausationId is { } causation ? causation : DBNull.Value;
        _correlationId.Value = item.CorrelationId is { } correlation ? correlation : DBNull.Value;
        _metadata.Value = (object?)item.Metadata ?? DBNull.Value;
        _payload.Value = serialized.Payload;
        return _insert.ExecuteNonQuery();
    }

    private void DisposeCommands()
    {
        foreach (SqliteCommand command in (ReadOnlySpan<SqliteCommand>)[_begin, _commit, _rollback, _savepoint, _releaseSavepoint, _rollbackToSavepoint, _lastPosition, _streamHead, _idExists, _insert])
        {
            command.Dispose();
        }
    }
}
