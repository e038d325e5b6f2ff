using System.Runtime.CompilerServices;
using EventDriven.Serialization;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// A durable <see cref="IEventStore"/> in one SQLite file: WAL journal, <c>synchronous=FULL</c> by default, and group commit, so
/// appends from many threads share one transaction and one disk sync without giving up durability.
/// </summary>
/// <remarks>
/// <para>
/// <b>Durability.</b> An append's task completes only after the transaction holding it has committed. With
/// <see cref="SqliteSynchronous.Full"/> (the default) that commit is on the disk: an acknowledged append survives a process crash and
/// a power loss. With <see cref="SqliteSynchronous.Normal"/> it survives a process crash, but the last commits may be lost on a power
/// loss or an operating-system crash. Either way the file is never left torn: an append is all there or not at all.
/// </para>
/// <para>
/// <b>Group commit.</b> One writer thread takes every append queued while it was committing the previous group, writes them in one
/// transaction (up to <see cref="SqliteStoreOptions.MaxBatchSize"/> events), each append checked on its own: a conflicting append
/// throws <see cref="ConcurrencyException"/> and writes nothing while the others of its group commit.
/// </para>
/// <para>
/// <b>Reads</b> run on their own pooled connections and page through the file (<see cref="SqliteStoreOptions.ReadPageSize"/> rows a
/// query); the WAL journal lets them run while the writer commits. A crash after a commit but before the acknowledgement reaches the
/// caller leaves an append stored but unacknowledged: retry it with the same event ids, which is safe (the ids are reported as
/// <see cref="AppendResult.Duplicates"/> and nothing is written twice).
/// </para>
/// <para>Events serialize on the calling thread, before queueing: a serialization failure or an oversized event fails only its own append.</para>
/// </remarks>
public sealed class SqliteEventStore : IEventStore, IAsyncDisposable, IDisposable
{
    private const string Columns = "position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, causation_id, correlation_id, metadata, payload";

    private readonly string _readerConnectionString;
    private readonly int _maxEventSize;
    private readonly int _readPageSize;
    private readonly EventStoreWriter _writer;
    private int _disposed;

    /// <summary>Opens the store at <paramref name="databasePath"/> with default settings, creating the file and its schema when missing.</summary>
    public SqliteEventStore(string databasePath)
        : this(new SqliteStoreOptions { DatabasePath = databasePath })
    {
    }

    /// <summary>Opens the store, creating the database file and its schema when missing.</summary>
    /// <exception cref="IncompatibleDatabaseException">The file is not an EventDriven database, or its schema is newer than this library.</exception>
    public SqliteEventStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        Synchronous = options.Synchronous;
        Serializer = options.Serializer ?? new JsonEventSerializer(options.EventTypes ?? new EventTypeRegistry());
        _maxEventSize = options.MaxEventSize;
        _readPageSize = options.ReadPageSize;

        // Microsoft.Data.Sqlite retries a busy command until this many seconds pass, and 0 means "forever": at least 1, so a
        // BusyTimeout of zero fails (after that one second) instead of hanging behind another process's write lock.
        int timeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        string writerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        _readerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();

        var connection = new SqliteConnection(writerConnectionString);
        try
        {
            SqliteSchema.Open(connection, DatabasePath, options.Synchronous, options.BusyTimeout);
            SqliteSchema.EnsureComponent(connection, DatabasePath, SqliteSchema.EventsComponent, SqliteSchema.EventsVersion, SqliteSchema.EventsTableSql);
            ApplyWriterSettings(connection);
            _writer = new EventStoreWriter(connection, options.MaxBatchSize, DatabasePath);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public IEventSerializer Serializer { get; }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The durability of each commit (see <see cref="SqliteSynchronous"/>).</summary>
    public SqliteSynchronous Synchronous { get; }

    /// <summary>The average number of appends per group transaction so far: how much group commit is saving (benchmarks report it).</summary>
    internal double AverageGroupSize => _writer.Groups == 0 ? 0 : (double)_writer.GroupedAppends / _writer.Groups;

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(events);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<AppendResult>(cancellationToken);
        }

        if (events.Count == 0)
        {
            // Nothing to write and nothing to check, as in the in-memory store: report where the stream is.
            return EmptyAppendAsync(streamId, cancellationToken);
        }

        // Serialize here, on the caller's thread: the writer only writes, and a bad event fails its own append before it is queued.
        var items = new EventToAppend[events.Count];
        var serialized = new SerializedEvent[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            EventToAppend item = events[i];
            if (item.Event is null)
            {
                throw new ArgumentException($"events[{i}] has no event.", nameof(events));
            }

            SerializedEvent row = Serializer.Serialize(item.Event);
            if (row.Payload.Length > _maxEventSize)
            {
                throw new EventTooLargeException(item.Event.Id, row.EventType, row.Payload.Length, _maxEventSize);
            }

            items[i] = item;
            serialized[i] = row;
        }

        var pending = new PendingAppend(streamId, items, serialized, expectedVersion, cancellationToken);
        if (!_writer.TryEnqueue(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteEventStore));
        }

        return pending.AsValueTask();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM events WHERE stream_id = $stream_id AND stream_version >= $from ORDER BY stream_version LIMIT $limit";
        command.Parameters.AddWithValue("$stream_id", streamId);
        SqliteParameter from = command.Parameters.AddWithValue("$from", fromVersion);
        command.Parameters.AddWithValue("$limit", _readPageSize);
        List<StoredEvent> page = new(_readPageSize);
        while (true)
        {
            await ReadPageAsync(command, page, cancellationToken).ConfigureAwait(false);
            foreach (StoredEvent stored in page)
            {
                yield return stored;
            }

            if (page.Count < _readPageSize)
            {
                yield break;
            }

            from.Value = page[^1].StreamVersion + 1;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEvent> ReadByTypeAsync(string eventType, long afterPosition = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        return ReadAfterAsync("event_type = $event_type AND ", eventType, afterPosition, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default)
        => ReadAfterAsync("", null, afterPosition, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(stream_version), -1) FROM events WHERE stream_id = $stream_id";
        command.Parameters.AddWithValue("$stream_id", streamId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetLastPositionAsync(CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(position), 0) FROM events";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Stops accepting appends, commits and acknowledges every append already queued, and closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _writer.Stopped.ConfigureAwait(false);
            return;
        }

        _writer.Close();
        await _writer.Stopped.ConfigureAwait(false);
        ReleasePooledReaders();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    /// <remarks>Blocks until the queued appends are committed; prefer <see cref="DisposeAsync"/>.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _writer.Close();
            ReleasePooledReaders();
        }

        _writer.Stopped.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Settings of the writer's connection, measured (benchmarks/README.md, "Event store (SQLite)"). Random event ids scatter each
    /// group's inserts over the whole event-id index, so a commit writes about one WAL page per event for that index alone, and each
    /// checkpoint copies those pages into the database. Checkpointing every 65,536 WAL pages (256 MiB) instead of SQLite's 1,000
    /// lets a page rewritten by many commits be copied once: about twice the events per second once the store holds a million
    /// events. The WAL file is truncated back to 64 MiB after each checkpoint; a 64 MiB page cache keeps the indexes' hot pages.
    /// </summary>
    private static void ApplyWriterSettings(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 65536; PRAGMA journal_size_limit = 67108864";
        command.ExecuteNonQuery();
    }

    private void ReleasePooledReaders()
    {
        // Pooled reader connections keep the file open; release them so the file can be moved or deleted once the store is gone.
        using var connection = new SqliteConnection(_readerConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async ValueTask<AppendResult> EmptyAppendAsync(string streamId, CancellationToken cancellationToken)
    {
        long version = await GetStreamVersionAsync(streamId, cancellationToken).ConfigureAwait(false);
        long lastPosition = 0;
        if (version >= 0)
        {
            // Version and position both from the last row read, so an append landing between the two reads cannot mismatch them.
            await foreach (StoredEvent last in ReadStreamAsync(streamId, version, cancellationToken).ConfigureAwait(false))
            {
                version = last.StreamVersion;
                lastPosition = last.Position;
            }
        }

        return new AppendResult(version, lastPosition, 0, Array.Empty<Guid>());
    }

    private async IAsyncEnumerable<StoredEvent> ReadAfterAsync(string filter, string? eventType, long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM events WHERE {filter}position > $after ORDER BY position LIMIT $limit";
        if (eventType is not null)
        {
            command.Parameters.AddWithValue("$event_type", eventType);
        }

        SqliteParameter after = command.Parameters.AddWithValue("$after", afterPosition);
        command.Parameters.AddWithValue("$limit", _readPageSize);
        List<StoredEvent> page = new(_readPageSize);
        while (true)
        {
            await ReadPageAsync(command, page, cancellationToken).ConfigureAwait(false);
            foreach (StoredEvent stored in page)
            {
                yield return stored;
            }

            if (page.Count < _readPageSize)
            {
                yield break;
            }

            after.Value = page[^1].Position;
        }
    }

    /// <summary>
    /// Reads one page into <paramref name="page"/> and closes the statement before anything is yielded, so no read transaction stays
    /// open while the caller works (an open one would keep the WAL file from being checkpointed).
    /// </summary>
    private static async ValueTask ReadPageAsync(SqliteCommand command, List<StoredEvent> page, CancellationToken cancellationToken)
    {
        page.Clear();
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(new StoredEvent(
                Position: reader.GetInt64(0),
                StreamId: reader.GetString(1),
                StreamVersion: reader.GetInt64(2),
                EventId: reader.GetGuid(3),
                EventType: reader.GetString(4),
                SchemaVersion: reader.GetInt32(5),
                OccurredAt: new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero),
                CausationId: reader.IsDBNull(7) ? null : reader.GetGuid(7),
                CorrelationId: reader.IsDBNull(8) ? null : reader.GetGuid(8),
                Metadata: reader.IsDBNull(9) ? null : reader.GetString(9),
                Payload: reader.IsDBNull(10) ? ReadOnlyMemory<byte>.Empty : (byte[])reader.GetValue(10)));
        }
    }

    private async ValueTask<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_readerConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
