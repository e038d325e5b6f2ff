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
/// <para>
/// One commit (one fsync with <see cref="SqliteSynchronous.Full"/>) covers every append of the group, so durability costs each
/// append the latency of one commit but not throughput: the more producers wait, the larger the groups. The thread is dedicated
/// because every SQLite call blocks (a commit waits for the disk); it sleeps on a monitor while nothing is queued. The statements
/// are prepared once and run through SQLite's own API (<see cref="SqliteStatement"/>).
/// </para>
/// <para>
/// The head of each recently written stream (its last version and position) and the store's last position are remembered between
/// groups, so a one-event append costs one INSERT. They are trusted only while no other connection has committed to the file
/// (<c>PRAGMA data_version</c> is unchanged since this writer's last commit): another store, process or component writing to the
/// same file makes the writer read them again from the table.
/// </para>
/// </remarks>
internal sealed class EventStoreWriter
{
    private const int MaxCachedStreams = 65_536;
    private static readonly IReadOnlyList<Guid> s_noDuplicates = Array.Empty<Guid>();

    private readonly SqliteConnection _connection;
    private readonly int _maxBatchSize;
    private readonly object _queueGate = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<Guid> _idsOfAppend = [];
    private readonly Dictionary<string, StreamHead> _heads = new(StringComparer.Ordinal);
    private List<PendingAppend> _queue = [];
    private List<PendingAppend> _taken = [];
    private bool _writerSleeping;
    private bool _closing;

    // What this writer knows of the file; valid while _dataVersion is what PRAGMA data_version says (no other connection committed).
    private long _dataVersion = -1;
    private long _lastPosition;
    private long _groups;
    private long _groupedAppends;

    private readonly SqliteStatement _begin;
    private readonly SqliteStatement _commit;
    private readonly SqliteStatement _rollback;
    private readonly SqliteStatement _savepoint;
    private readonly SqliteStatement _releaseSavepoint;
    private readonly SqliteStatement _rollbackToSavepoint;
    private readonly SqliteStatement _readDataVersion;
    private readonly SqliteStatement _readLastPosition;
    private readonly SqliteStatement _readStreamHead;
    private readonly SqliteStatement _idExists;
    private readonly SqliteStatement _insert;

    /// <summary>Takes ownership of <paramref name="connection"/> (open, schema in place) and starts the writer thread.</summary>
    public EventStoreWriter(SqliteConnection connection, int maxBatchSize, string databasePath)
    {
        _connection = connection;
        _maxBatchSize = maxBatchSize;

        _begin = new(connection, "BEGIN IMMEDIATE");
        _commit = new(connection, "COMMIT");
        _rollback = new(connection, "ROLLBACK");
        _savepoint = new(connection, "SAVEPOINT append");
        _releaseSavepoint = new(connection, "RELEASE append");
        _rollbackToSavepoint = new(connection, "ROLLBACK TO append");
        _readDataVersion = new(connection, "PRAGMA data_version");
        _readLastPosition = new(connection, "SELECT coalesce(max(position), 0) FROM events");
        _readStreamHead = new(connection, "SELECT stream_version, position FROM events WHERE stream_id = ?1 ORDER BY stream_version DESC LIMIT 1");
        _idExists = new(connection, "SELECT 1 FROM events WHERE event_id = ?1");

        // ON CONFLICT (event_id) only: a duplicate id is skipped (and reported), while a clash on (stream_id, stream_version),
        // which the version check rules out, would still fail loudly.
        _insert = new(connection, """
            INSERT INTO events (position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, causation_id, correlation_id, metadata, payload)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            ON CONFLICT (event_id) DO NOTHING
            """);

        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = "EventDriven.Sqlite writer (" + Path.GetFileName(databasePath) + ")",
        };
        _thread.Start();
    }

    /// <summary>Completes when the writer has committed everything queued before <see cref="Close"/> and released its connection.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>How many group transactions the writer has run (for the benchmarks' group-size figure).</summary>
    public long Groups => Volatile.Read(ref _groups);

    /// <summary>How many appends those transactions held.</summary>
    public long GroupedAppends => Volatile.Read(ref _groupedAppends);

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
            foreach (SqliteStatement statement in (ReadOnlySpan<SqliteStatement>)[_begin, _commit, _rollback, _savepoint, _releaseSavepoint, _rollbackToSavepoint, _readDataVersion, _readLastPosition, _readStreamHead, _idExists, _insert])
            {
                statement.Dispose();
            }

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
            _begin.Execute();
            RefreshWhatOthersChanged();
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
                    append.Succeed(Apply(append));
                }
                catch (ConcurrencyException ex)
                {
                    append.Fail(ex);
                }
                catch (Exception ex) when (ex is SqliteException or InvalidOperationException && SqliteSchema.IsInTransaction(_connection))
                {
                    // This append alone failed and its rows were rolled back; the group goes on.
                    append.Fail(ex);
                }
            }

            _commit.Execute();
        }
        catch (Exception ex)
        {
            // The transaction could not be committed (a full disk, an I/O error): nothing of the group was written, and what this
            // writer remembered of the file may be wrong.
            _dataVersion = -1;
            if (SqliteSchema.IsInTransaction(_connection))
            {
                try
                {
                    _rollback.Execute();
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

        Volatile.Write(ref _groups, _groups + 1);
        Volatile.Write(ref _groupedAppends, _groupedAppends + (end - start));
        for (int i = start; i < end; i++)
        {
            _taken[i].Complete();
        }
    }

    /// <summary>
    /// Inside the group's transaction (so nobody else can write until it ends): if another connection committed since this writer's
    /// last commit, forget the remembered stream heads and read the last position again.
    /// </summary>
    private void RefreshWhatOthersChanged()
    {
        _readDataVersion.TryReadFirstRow(out long dataVersion, out _);
        if (dataVersion == _dataVersion)
        {
            return;
        }

        _heads.Clear();
        _readLastPosition.TryReadFirstRow(out _lastPosition, out _);
        _dataVersion = dataVersion;
    }

    private AppendResult Apply(PendingAppend append)
    {
        EventToAppend[] events = append.Events;
        StreamHead head = ReadStreamHead(append.StreamId);
        if (events.Length == 1)
        {
            return ApplySingle(append, head);
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
            return new AppendResult(head.Version, head.Position, 0, (IReadOnlyList<Guid>?)duplicates ?? s_noDuplicates);
        }

        if (!append.ExpectedVersion.IsSatisfiedBy(head.Version))
        {
            throw new ConcurrencyException(append.StreamId, append.ExpectedVersion, head.Version);
        }

        // Several rows: a savepoint makes them all-or-nothing within the group's transaction.
        long version = head.Version;
        long position = _lastPosition;
        _savepoint.Execute();
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

            _releaseSavepoint.Execute();
        }
        catch
        {
            if (SqliteSchema.IsInTransaction(_connection))
            {
                _rollbackToSavepoint.Execute();
                _releaseSavepoint.Execute();
            }

            throw;
        }

        Advance(append.StreamId, version, position);
        return new AppendResult(version, position, fresh, (IReadOnlyList<Guid>?)duplicates ?? s_noDuplicates);
    }

    /// <summary>
    /// The common case, one event: no savepoint (one statement is atomic on its own) and, when the version check passes, no separate
    /// duplicate lookup (the insert's ON CONFLICT finds it).
    /// </summary>
    private AppendResult ApplySingle(PendingAppend append, StreamHead head)
    {
        EventToAppend item = append.Events[0];
        Guid id = item.Event.Id;
        if (!append.ExpectedVersion.IsSatisfiedBy(head.Version))
        {
            if (IdExists(id))
            {
                return new AppendResult(head.Version, head.Position, 0, [id]);
            }

            throw new ConcurrencyException(append.StreamId, append.ExpectedVersion, head.Version);
        }

        long version = head.Version + 1;
        long position = _lastPosition + 1;
        if (Insert(append.StreamId, version, position, item, append.Serialized[0]) == 0)
        {
            return new AppendResult(head.Version, head.Position, 0, [id]);
        }

        Advance(append.StreamId, version, position);
        return new AppendResult(version, position, 1, s_noDuplicates);
    }

    private StreamHead ReadStreamHead(string streamId)
    {
        if (_heads.TryGetValue(streamId, out StreamHead head))
        {
            return head;
        }

        _readStreamHead.Bind(1, streamId);
        head = _readStreamHead.TryReadFirstRow(out long version, out long position) ? new StreamHead(version, position) : new StreamHead(-1, 0);
        Remember(streamId, head);
        return head;
    }

    private void Advance(string streamId, long version, long position)
    {
        _lastPosition = position;
        Remember(streamId, new StreamHead(version, position));
    }

    private void Remember(string streamId, StreamHead head)
    {
        if (_heads.Count >= MaxCachedStreams && !_heads.ContainsKey(streamId))
        {
            // Bounded memory for stores of millions of streams: start over (a miss costs one indexed lookup).
            _heads.Clear();
        }

        _heads[streamId] = head;
    }

    private bool IdExists(Guid id)
    {
        _idExists.Bind(1, id);
        return _idExists.TryReadFirstRow(out _, out _);
    }

    private int Insert(string streamId, long streamVersion, long position, EventToAppend item, SerializedEvent serialized)
    {
        _insert.Bind(1, position);
        _insert.Bind(2, streamId);
        _insert.Bind(3, streamVersion);
        _insert.Bind(4, item.Event.Id);
        _insert.Bind(5, serialized.EventType);
        _insert.Bind(6, serialized.SchemaVersion);
        _insert.Bind(7, item.Event.OccurredAt.UtcTicks);
        _insert.Bind(8, item.CausationId);
        _insert.Bind(9, item.CorrelationId);
        _insert.Bind(10, item.Metadata);
        _insert.Bind(11, serialized.Payload);
        return _insert.Execute();
    }

    /// <summary>A stream's last version (-1 when empty) and the position of its last event (0 when empty).</summary>
    private readonly record struct StreamHead(long Version, long Position);
}
