using EventDriven.Serialization;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql.Writing;

/// <summary>
/// The appends of one transaction: it takes the store's append lock, reads in one round trip what every append of the transaction
/// needs (the last position, the heads of its streams, which of its event ids are stored), checks each append in memory, and writes
/// all their rows with one statement just before the commit.
/// </summary>
/// <remarks>
/// <para>
/// <b>Why a lock.</b> The row of <c>events_head</c> is locked (<c>SELECT … FOR UPDATE</c>) first and held until the transaction ends,
/// so appenders of every process take positions one transaction after another, in commit order: a reader that has seen position
/// <c>p</c> can never later find a committed event below <c>p</c> it has not seen (no "gaps that fill in", which is what makes
/// Marten's async daemon wait and detect gaps). The price is that appending transactions of all processes commit one at a time;
/// group commit makes each of them carry every append its process had waiting.
/// </para>
/// <para>
/// Under the lock nobody else can append, so the heads read after taking it stay true until the commit: the checks need no
/// further round trip, and a conflict or duplicate is found before anything is written.
/// </para>
/// </remarks>
internal sealed class EventAppendSession(string schema, Func<Outbox.OutboxSql?> outbox)
{
    private static readonly IReadOnlyList<Guid> s_noDuplicates = Array.Empty<Guid>();

    private readonly string _lockSql = $"SELECT 1 FROM {schema}.events_head WHERE id = 1 FOR UPDATE";
    private readonly string _lastPositionSql = $"SELECT coalesce(max(position), 0) FROM {schema}.events";
    // One index probe per stream (the last row of each, through the unique (stream_id, stream_version) index): DISTINCT ON over
    // stream_id = ANY(...) would read every row of those streams, which grows with the streams.
    private readonly string _headsSql = $"""
        SELECT s.id, h.stream_version, h.position FROM unnest($1::text[]) AS s (id)
        CROSS JOIN LATERAL (SELECT stream_version, position FROM {schema}.events WHERE stream_id = s.id ORDER BY stream_version DESC LIMIT 1) AS h
        """;
    private readonly string _storedIdsSql = $"SELECT event_id FROM {schema}.events WHERE event_id = ANY($1)";
    private readonly string _insertSql = EventRows.InsertSql(schema);
    private readonly Dictionary<string, StreamHead> _heads = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _stored = [];
    private readonly HashSet<Guid> _seen = [];
    private readonly List<string> _askStreams = [];
    private readonly List<Guid> _askIds = [];
    private Func<Guid, bool>? _isStored;
    private long _lastPosition;

    /// <summary>Whether the lock is held (taken in this transaction).</summary>
    public bool IsLocked { get; private set; }

    /// <summary>The rows to write at <see cref="FlushAsync"/>.</summary>
    public EventRows Rows { get; } = new();

    /// <summary>Adds the streams and ids of one append to what <see cref="LockAsync"/> reads.</summary>
    public void Ask(string streamId, EventToAppend[] events)
    {
        _askStreams.Add(streamId);
        foreach (EventToAppend item in events)
        {
            _askIds.Add(item.Event.Id);
        }
    }

    /// <summary>
    /// Takes the append lock in <paramref name="transaction"/> and reads the last position, the heads of the streams and which of
    /// the ids asked for (<see cref="Ask"/>) are stored: one round trip (a unit of work on the caller's connection).
    /// </summary>
    public async ValueTask LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        AddLockAndReads(batch);
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await ReadLockAndReadsAsync(reader, async: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the lock and the reads of <see cref="LockAsync"/> to <paramref name="batch"/> (the writer's first round trip of a group).</summary>
    public void AddLockAndReads(NpgsqlBatch batch)
    {
        batch.BatchCommands.Add(new NpgsqlBatchCommand(_lockSql));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(_lastPositionSql));
        var heads = new NpgsqlBatchCommand(_headsSql);
        heads.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. _askStreams] });
        batch.BatchCommands.Add(heads);
        var ids = new NpgsqlBatchCommand(_storedIdsSql);
        ids.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. _askIds] });
        batch.BatchCommands.Add(ids);
    }

    /// <summary>Reads the four result sets <see cref="AddLockAndReads"/> asked for, from the reader's current result on; synchronous unless <paramref name="async"/>.</summary>
    public async ValueTask ReadLockAndReadsAsync(NpgsqlDataReader reader, bool async, CancellationToken cancellationToken)
    {
        _ = async ? await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) : reader.NextResult(); // past the lock's row
        _ = async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read();
        _lastPosition = reader.GetInt64(0);
        _ = async ? await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) : reader.NextResult();
        foreach (string stream in _askStreams)
        {
            _heads[stream] = new StreamHead(-1, 0);
        }

        while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
        {
            _heads[reader.GetString(0)] = new StreamHead(reader.GetInt64(1), reader.GetInt64(2));
        }

        _ = async ? await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) : reader.NextResult();
        while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
        {
            _stored.Add(reader.GetGuid(0));
        }

        IsLocked = true;
    }

    /// <summary>
    /// Checks one append against what the lock read and the appends before it in this transaction, and adds its new rows. Throws
    /// <see cref="ConcurrencyException"/> (adding nothing) when the expected version does not hold. The stream and ids must have been
    /// asked for before <see cref="LockAsync"/>.
    /// </summary>
    public AppendResult Apply(string streamId, EventToAppend[] events, SerializedEvent[] serialized, ExpectedVersion expectedVersion)
    {
        StreamHead head = _heads[streamId];
        List<Guid>? duplicates = AppendRules.FindDuplicates(events, _isStored ??= _stored.Contains, _seen, out bool[]? isDuplicate);
        int fresh = events.Length - (duplicates?.Count ?? 0);
        if (!AppendRules.MustWrite(streamId, expectedVersion, head.Version, fresh))
        {
            return new AppendResult(head.Version, head.Position, 0, (IReadOnlyList<Guid>?)duplicates ?? s_noDuplicates);
        }

        long version = head.Version;
        long position = _lastPosition;
        for (int i = 0; i < events.Length; i++)
        {
            if (isDuplicate is not null && isDuplicate[i])
            {
                continue;
            }

            Rows.Add(++position, streamId, ++version, events[i], serialized[i]);
            _stored.Add(events[i].Event.Id); // a later append of this transaction with the same id is its duplicate
        }

        _lastPosition = position;
        _heads[streamId] = new StreamHead(version, position);
        return new AppendResult(version, position, fresh, (IReadOnlyList<Guid>?)duplicates ?? s_noDuplicates);
    }

    /// <summary>Writes the rows added so far with one statement (nothing when there are none): a unit of work on the caller's connection.</summary>
    public async ValueTask FlushAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (Rows.Count == 0)
        {
            return;
        }

        await using var insert = new NpgsqlCommand(_insertSql, connection, transaction);
        Rows.Bind(insert.Parameters);
        CheckWritten(await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false));
        if (outbox() is { } sql && sql.IncludesAny(Rows.EventTypes))
        {
            await sql.CopyAsync(connection, transaction, Rows.FirstPosition, Rows.LastPosition, cancellationToken).ConfigureAwait(false);
        }

        Rows.Clear();
    }

    /// <summary>Adds the insert of the rows added so far to <paramref name="batch"/>; null when there are none. Check it with <see cref="CheckWritten"/>.</summary>
    public NpgsqlBatchCommand? AddInsert(NpgsqlBatch batch)
    {
        if (Rows.Count == 0)
        {
            return null;
        }

        var insert = new NpgsqlBatchCommand(_insertSql);
        Rows.Bind(insert.Parameters);
        batch.BatchCommands.Add(insert);

        // The events' outbox rows, copied from the rows just inserted (no second copy of the payloads on the wire), and the NOTIFY
        // that wakes the relays of every process when the transaction commits.
        if (outbox() is { } sql && sql.IncludesAny(Rows.EventTypes))
        {
            sql.AddCopy(batch, Rows.FirstPosition, Rows.LastPosition);
        }

        return insert;
    }

    /// <summary>Throws unless the insert wrote every row (it always does under the lock: anything else is a bug, and the group rolls back).</summary>
    public void CheckWritten(int written)
    {
        if (written != Rows.Count)
        {
            throw new InvalidOperationException($"{Rows.Count} event rows were to be written and {written} were; the transaction is rolled back.");
        }
    }

    /// <summary>Forgets everything of the transaction (it committed or rolled back): the next one takes the lock again.</summary>
    public void Reset()
    {
        IsLocked = false;
        _heads.Clear();
        _stored.Clear();
        _askStreams.Clear();
        _askIds.Clear();
        Rows.Clear();
    }

    /// <summary>A stream's last version (-1 when empty) and the position of its last event (0 when empty).</summary>
    private readonly record struct StreamHead(long Version, long Position);
}
