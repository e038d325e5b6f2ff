using EventDriven.Serialization;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Writing;

/// <summary>
/// How the database's writer appends events: each append checked on its own (expected version, duplicate ids), written with
/// statements prepared once and run through SQLite's own API (<see cref="SqliteStatement"/>).
/// </summary>
/// <remarks>
/// The head of each recently written stream (its last version and position) and the store's last position are remembered between
/// groups, so a one-event append costs one INSERT. They are trusted only while no other connection has committed to the file
/// (<c>PRAGMA data_version</c> is unchanged since the last check): another process or another writer of the same file makes the
/// appender read them again from the table. The inbox marks, saga saves and units of work of this writer commit on the same
/// connection, so they leave that memory valid; a rolled-back item or group makes it start over (<see cref="Forget"/>).
/// </remarks>
internal sealed class SqliteEventAppender : IDisposable
{
    private const int MaxCachedStreams = 65_536;
    private static readonly IReadOnlyList<Guid> s_noDuplicates = Array.Empty<Guid>();

    private readonly HashSet<Guid> _idsOfAppend = [];
    private readonly Func<Guid, bool> _isStored;
    private readonly Dictionary<string, StreamHead> _heads = new(StringComparer.Ordinal);

    // What this appender knows of the file; valid while _dataVersion is what PRAGMA data_version says (no other connection committed).
    private long _dataVersion = -1;
    private long _checkedInGroup = -1;
    private long _lastPosition;
    private long _reloads;

    private readonly SqliteStatement _readDataVersion;
    private readonly SqliteStatement _readLastPosition;
    private readonly SqliteStatement _readStreamHead;
    private readonly SqliteStatement _idExists;
    private readonly SqliteStatement _insert;

    /// <summary>Prepares the statements on <paramref name="connection"/> (the writer's; the events table in place).</summary>
    public SqliteEventAppender(SqliteConnection connection)
    {
        _isStored = IdExists;
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
    }

    /// <summary>Called after each event row actually inserted (a duplicate id is not), in the same transaction: the outbox's hook.</summary>
    public Action<string, EventToAppend, SerializedEvent>? Inserted { get; set; }

    /// <summary>How many times the remembered heads were dropped and the last position read again (tests prove what keeps them).</summary>
    public long Reloads => Volatile.Read(ref _reloads);

    /// <summary>Forgets the remembered heads and last position: they are read again inside the next append's transaction.</summary>
    public void Forget()
    {
        _dataVersion = -1;
        _checkedInGroup = -1;
    }

    /// <summary>
    /// Checks and writes one append inside the writer's open transaction (group <paramref name="group"/>). Throws
    /// <see cref="ConcurrencyException"/> when the expected version does not hold; nothing of the append is written then.
    /// </summary>
    public AppendResult Append(long group, string streamId, EventToAppend[] events, SerializedEvent[] serialized, ExpectedVersion expectedVersion)
    {
        if (_checkedInGroup != group)
        {
            RefreshWhatOthersChanged();
            _checkedInGroup = group;
        }

        return Apply(streamId, events, serialized, expectedVersion);
    }

    public void Dispose()
    {
        foreach (SqliteStatement statement in (ReadOnlySpan<SqliteStatement>)[_readDataVersion, _readLastPosition, _readStreamHead, _idExists, _insert])
        {
            statement.Dispose();
        }
    }

    /// <summary>
    /// Inside the group's transaction (so nobody else can write until it ends): if another connection committed since the last
    /// check, forget the remembered stream heads and read the last position again.
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
        Volatile.Write(ref _reloads, _reloads + 1);
    }

    private AppendResult Apply(string streamId, EventToAppend[] events, SerializedEvent[] serialized, ExpectedVersion expectedVersion)
    {
        StreamHead head = ReadStreamHead(streamId);
        if (events.Length == 1)
        {
            return ApplySingle(streamId, events[0], serialized[0], expectedVersion, head);
        }

        // Which events are new: an id already stored, or repeated within this append, is skipped and reported.
        List<Guid>? duplicates = AppendRules.FindDuplicates(events, _isStored, _idsOfAppend, out bool[]? isDuplicate);
        int fresh = events.Length - (duplicates?.Count ?? 0);
        if (!AppendRules.MustWrite(streamId, expectedVersion, head.Version, fresh))
        {
            // Every event is already stored: a retry of an append that succeeded. No version check, so the retry is safe.
            return new AppendResult(head.Version, head.Position, 0, (IReadOnlyList<Guid>?)duplicates ?? s_noDuplicates);
        }

        // Several rows: the writer's savepoint around the item (or the unit of work) makes them all-or-nothing.
        long version = head.Version;
        long position = _lastPosition;
        for (int i = 0; i < events.Length; i++)
        {
            if (isDuplicate is not null && isDuplicate[i])
            {
                continue;
            }

            if (Insert(streamId, ++version, ++position, events[i], serialized[i]) == 0)
            {
                throw new InvalidOperationException($"Event {events[i].Event.Id} was found new and then clashed on insert; the append was rolled back.");
            }
        }

        Advance(streamId, version, position);
        return new AppendResult(version, position, fresh, (IReadOnlyList<Guid>?)duplicates ?? s_noDuplicates);
    }

    /// <summary>
    /// The common case, one event: no savepoint (one statement is atomic on its own) and, when the version check passes, no separate
    /// duplicate lookup (the insert's ON CONFLICT finds it).
    /// </summary>
    private AppendResult ApplySingle(string streamId, EventToAppend item, SerializedEvent serialized, ExpectedVersion expectedVersion, StreamHead head)
    {
        Guid id = item.Event.Id;
        if (!expectedVersion.IsSatisfiedBy(head.Version))
        {
            if (IdExists(id))
            {
                return new AppendResult(head.Version, head.Position, 0, [id]);
            }

            throw new ConcurrencyException(streamId, expectedVersion, head.Version);
        }

        long version = head.Version + 1;
        long position = _lastPosition + 1;
        if (Insert(streamId, version, position, item, serialized) == 0)
        {
            return new AppendResult(head.Version, head.Position, 0, [id]);
        }

        Advance(streamId, version, position);
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
        int inserted = _insert.Execute();
        if (inserted == 1)
        {
            Inserted?.Invoke(streamId, item, serialized);
        }

        return inserted;
    }

    /// <summary>A stream's last version (-1 when empty) and the position of its last event (0 when empty).</summary>
    private readonly record struct StreamHead(long Version, long Position);
}
