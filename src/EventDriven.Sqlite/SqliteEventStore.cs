using System.Runtime.CompilerServices;
using EventDriven.Serialization;
using EventDriven.Store;
using EventDriven.Sqlite.Writing;
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
    private const string Columns = StoredEventRows.Columns;

    private readonly int _maxEventSize;
    private readonly int _readPageSize;
    private readonly SqliteDatabase _database;
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
        Synchronous = options.Synchronous;
        Serializer = options.Serializer ?? new JsonEventSerializer(options.EventTypes ?? new EventTypeRegistry());
        _maxEventSize = options.MaxEventSize;
        _readPageSize = options.ReadPageSize;

        _database = SqliteDatabase.Acquire(options, SqliteSchema.EventsComponent, SqliteSchema.EventsVersion, SqliteSchema.EventsTableSql);
        if (options.Outbox.IsEnabled)
        {
            try
            {
                _database.EnableOutbox(options.Outbox);
            }
            catch
            {
                _database.ReleaseAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
    }

    /// <inheritdoc />
    public IEventSerializer Serializer { get; }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <summary>The durability of each commit (see <see cref="SqliteSynchronous"/>).</summary>
    public SqliteSynchronous Synchronous { get; }

    /// <summary>The average number of appends per group transaction so far: how much group commit is saving (benchmarks report it).</summary>
    internal double AverageGroupSize => _database.Writer.Groups == 0 ? 0 : (double)_database.Writer.GroupedItems / _database.Writer.Groups;

    /// <summary>The file's shared database (its one writer): what a unit of work commits through.</summary>
    internal SqliteDatabase Database => _database;

    /// <summary>
    /// Starts a unit of work on this store's file: appends, inbox marks, saga saves, dead letters and your own SQL, committed in one
    /// transaction, all or nothing (see <see cref="SqliteUnitOfWork"/>).
    /// </summary>
    /// <param name="timeProvider">The clock of the inbox marks' <c>processed_at</c>; the system clock by default.</param>
    /// <remarks>The first call creates the inbox, saga and dead-letter tables in the file when they are missing.</remarks>
    /// <exception cref="IncompatibleDatabaseException">The file's inbox, saga or dead-letter tables are newer than this library.</exception>
    public SqliteUnitOfWork BeginUnitOfWork(TimeProvider? timeProvider = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _database.EnsureComponent(Inbox.InboxSchema.Component, Inbox.InboxSchema.Version, Inbox.InboxSchema.CreateSql);
        _database.EnsureComponent(Sagas.SagaSchema.Component, Sagas.SagaSchema.Version, Sagas.SagaSchema.CreateSql);
        _database.EnsureComponent(DeadLetters.DeadLetterSchema.Component, DeadLetters.DeadLetterSchema.Version, DeadLetters.DeadLetterSchema.CreateSql);
        return new SqliteUnitOfWork(_database, Serializer, _maxEventSize, timeProvider ?? TimeProvider.System);
    }

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
        EventToAppend[] items = AppendInput.Serialize(Serializer, events, _maxEventSize, out SerializedEvent[] serialized);
        var pending = new PendingAppend(streamId, items, serialized, expectedVersion, _database.Writer, cancellationToken);
        if (!_database.Writer.TryEnqueue(pending))
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
        await foreach (StoredEvent stored in PagedRead.ReadAsync(fromVersion, _readPageSize, ReadPage(command, from), static last => last.StreamVersion + 1, cancellationToken).ConfigureAwait(false))
        {
            yield return stored;
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
    /// <remarks>The file's writer and connections close with the last store of this process that uses the file.</remarks>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return default;
        }

        return _database.ReleaseAsync();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    /// <remarks>Blocks until the queued appends are committed; prefer <see cref="DisposeAsync"/>.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _database.ReleaseAsync().AsTask().GetAwaiter().GetResult();
        }
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
        await foreach (StoredEvent stored in PagedRead.ReadAsync(afterPosition, _readPageSize, ReadPage(command, after), static last => last.Position, cancellationToken).ConfigureAwait(false))
        {
            yield return stored;
        }
    }

    /// <summary>The page reader of <see cref="PagedRead"/>: <paramref name="cursor"/> takes the page's cursor, then one page is read.</summary>
    private static Func<long, List<StoredEvent>, CancellationToken, ValueTask> ReadPage(SqliteCommand command, SqliteParameter cursor)
        => (from, page, cancellationToken) =>
        {
            cursor.Value = from;
            return ReadPageAsync(command, page, cancellationToken);
        };

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
            page.Add(StoredEventRows.Read(reader));
        }
    }

    private async ValueTask<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
    }
}
