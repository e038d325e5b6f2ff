using System.Runtime.CompilerServices;
using EventDriven.PostgreSql.Writing;
using EventDriven.Serialization;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>
/// A durable <see cref="IEventStore"/> on a PostgreSQL server, shared by any number of processes: group commit within a process,
/// gap-free stream versions, and global positions handed out in commit order, so a reader following <see cref="ReadAllAsync"/>
/// never skips an event another process commits while it reads.
/// </summary>
/// <remarks>
/// <para>
/// <b>Durability.</b> An append's task completes only after the transaction holding it has committed; with the server's default
/// <c>synchronous_commit = on</c> that commit is in the server's write-ahead log on disk.
/// </para>
/// <para>
/// <b>Group commit.</b> One writer thread per process and store takes every append queued while it was committing the previous
/// group and writes them in one transaction (up to <see cref="PostgresStoreOptions.MaxBatchSize"/> events), each checked on its own:
/// a conflicting append throws <see cref="ConcurrencyException"/> and writes nothing while the others of its group commit. The rows
/// of the whole group are one <c>INSERT</c>.
/// </para>
/// <para>
/// <b>Positions across processes.</b> Every appending transaction first locks the one row of <c>events_head</c> and holds it to its
/// commit, so positions are dense and increase in commit order: a reader that has read up to position <c>p</c> has seen every event
/// at or below <c>p</c>, for good. Appending transactions of different processes therefore commit one after another, each carrying
/// its process's whole group. See <c>docs/event-store.md</c>.
/// </para>
/// <para>
/// <b>Failures.</b> An unreachable server, a refused login or a connection lost mid-commit fails the append with a
/// <see cref="PostgresUnavailableException"/> naming the server; the next append reconnects. An append cut off while committing may
/// have been written: retry it with the same event ids (they are reported as <see cref="AppendResult.Duplicates"/>, never written twice).
/// </para>
/// </remarks>
public sealed class PostgresEventStore : IEventStore, IAsyncDisposable, IDisposable
{
    private readonly int _maxEventSize;
    private readonly int _readPageSize;
    private readonly PostgresDatabase _database;
    private readonly string _readStreamSql;
    private readonly string _readAllSql;
    private readonly string _readByTypeSql;
    private readonly string _streamVersionSql;
    private readonly string _lastPositionSql;
    private readonly string _lastOfStreamSql;
    private int _disposed;

    /// <summary>Opens the store on the server of <paramref name="connectionString"/>, in the default schema.</summary>
    public PostgresEventStore(string connectionString)
        : this(new PostgresStoreOptions { ConnectionString = connectionString })
    {
    }

    /// <summary>
    /// Opens the store. Nothing is sent to the server yet: the schema and tables are created (or checked) at the first call (an
    /// unreachable server fails that call, not the constructor), or by <see cref="EnsureCreatedAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range (named in the message).</exception>
    public PostgresEventStore(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Serializer = options.Serializer ?? new JsonEventSerializer(options.EventTypes ?? new EventTypeRegistry());
        _maxEventSize = options.MaxEventSize;
        _readPageSize = options.ReadPageSize;
        _database = PostgresDatabase.Acquire(options);
        _database.Require(PostgresSchema.EventsComponent);
        if (options.Outbox.IsEnabled)
        {
            _database.EnableOutbox(options.Outbox);
        }

        string s = _database.Schema;
        string columns = PostgresSchema.EventColumns;
        _readStreamSql = $"SELECT {columns} FROM {s}.events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3";
        _readAllSql = $"SELECT {columns} FROM {s}.events WHERE position > $1 ORDER BY position LIMIT $2";
        _readByTypeSql = $"SELECT {columns} FROM {s}.events WHERE event_type = $3 AND position > $1 ORDER BY position LIMIT $2";
        _streamVersionSql = $"SELECT coalesce(max(stream_version), -1) FROM {s}.events WHERE stream_id = $1";
        _lastPositionSql = $"SELECT coalesce(max(position), 0) FROM {s}.events";
        _lastOfStreamSql = $"SELECT stream_version, position FROM {s}.events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1";
    }

    /// <inheritdoc />
    public IEventSerializer Serializer { get; }

    /// <summary>The server, database and schema of the store, as error messages name it.</summary>
    public string Location => _database.Location;

    /// <summary>The average number of appends per group transaction so far: how much group commit is saving (benchmarks report it).</summary>
    internal double AverageGroupSize => _database.Writer.Groups == 0 ? 0 : (double)_database.Writer.GroupedItems / _database.Writer.Groups;

    /// <summary>The shared database of this store (its writer, its data source).</summary>
    internal PostgresDatabase Database => _database;

    /// <summary>
    /// Creates the schema and the events tables when missing and checks their version: call it at start-up to fail early. Every
    /// other call does it too, the first time.
    /// </summary>
    /// <exception cref="IncompatibleDatabaseException">The tables were written by a newer version of this library.</exception>
    /// <exception cref="PostgresUnavailableException">The server cannot be reached or refused the login.</exception>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _database.Outbox is null
            ? _database.EnsureComponentAsync(PostgresSchema.EventsComponent, cancellationToken)
            : EnsureEventsAndOutboxAsync(cancellationToken);
    }

    private async Task EnsureEventsAndOutboxAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureComponentAsync(PostgresSchema.EventsComponent, cancellationToken).ConfigureAwait(false);
        await _database.EnsureComponentAsync(PostgresSchema.OutboxComponent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a unit of work on a connection and transaction of the store's own: your SQL, inbox marks, saga saves, dead letters and
    /// appends, committed together by <see cref="PostgresUnitOfWork.CommitAsync"/> (dispose the unit either way).
    /// </summary>
    /// <param name="timeProvider">The clock of the inbox marks' <c>processed_at</c>; the system clock by default.</param>
    /// <param name="cancellationToken">Cancels opening the connection.</param>
    public async ValueTask<PostgresUnitOfWork> BeginUnitOfWorkAsync(TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        await EnsureUnitOfWorkTablesAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresUnitOfWork.BeginOwnedAsync(_database, Serializer, _maxEventSize, timeProvider ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a unit of work in <b>your</b> transaction (for example the one your EF Core or Dapper code runs in): the unit's parts
    /// join it, and commit when it commits. Call <see cref="EnsureCreatedAsync"/> (and let the inbox and saga stores create their
    /// tables, or call <see cref="EnsureUnitOfWorkTablesAsync"/>) before the first one.
    /// </summary>
    /// <param name="connection">Your open connection, to this store's database.</param>
    /// <param name="transaction">Your transaction on it.</param>
    /// <param name="timeProvider">The clock of the inbox marks' <c>processed_at</c>; the system clock by default.</param>
    public PostgresUnitOfWork BeginUnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("The transaction is not on the given connection (it may be committed already).", nameof(transaction));
        }

        return new PostgresUnitOfWork(_database, Serializer, _maxEventSize, timeProvider ?? TimeProvider.System, connection, transaction, owned: false);
    }

    /// <summary>Creates the inbox, saga and dead-letter tables beside the events when missing: what a unit of work writes to.</summary>
    public async Task EnsureUnitOfWorkTablesAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await _database.EnsureComponentAsync(PostgresSchema.InboxComponent, cancellationToken).ConfigureAwait(false);
        await _database.EnsureComponentAsync(PostgresSchema.SagasComponent, cancellationToken).ConfigureAwait(false);
        await _database.EnsureComponentAsync(PostgresSchema.DeadLettersComponent, cancellationToken).ConfigureAwait(false);
        await _database.EnsureComponentAsync(PostgresSchema.OutboxComponent, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(events);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        PostgresText.ThrowIfNul(streamId, nameof(streamId));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<AppendResult>(cancellationToken);
        }

        if (events.Count == 0)
        {
            return EmptyAppendAsync(streamId, cancellationToken);
        }

        // Serialize here, on the caller's thread: the writer only writes, and a bad event fails its own append before it is queued.
        EventToAppend[] items = AppendInput.Serialize(Serializer, events, _maxEventSize, out SerializedEvent[] serialized);
        PostgresText.ThrowIfNul(items, serialized);
        var pending = new PendingAppend(streamId, items, serialized, expectedVersion, cancellationToken);
        _database.Enqueue(pending); // the writer creates the tables before its first group

        return pending.AsValueTask();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await foreach (StoredEvent stored in PagedRead.ReadAsync(fromVersion, _readPageSize, (from, page, ct) => ReadPageAsync(_readStreamSql, from, streamId, page, ct), static last => last.StreamVersion + 1, cancellationToken).ConfigureAwait(false))
        {
            yield return stored;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEvent> ReadByTypeAsync(string eventType, long afterPosition = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        return ReadAfterAsync(_readByTypeSql, eventType, afterPosition, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Positions are handed out in commit order (see the class remarks), so following this read from the last position seen misses
    /// nothing another process appends meanwhile.
    /// </remarks>
    public IAsyncEnumerable<StoredEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default)
        => ReadAfterAsync(_readAllSql, null, afterPosition, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(_streamVersionSql, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
                return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long> GetLastPositionAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(_lastPositionSql, connection);
                return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting appends, commits and acknowledges every append already queued, and releases the connections.</summary>
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
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                // Version and position from one row, so an append landing meanwhile cannot mismatch them.
                await using var command = new NpgsqlCommand(_lastOfStreamSql, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
                await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false)
                    ? new AppendResult(reader.GetInt64(0), reader.GetInt64(1), 0, Array.Empty<Guid>())
                    : new AppendResult(-1, 0, 0, Array.Empty<Guid>());
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<StoredEvent> ReadAfterAsync(string sql, string? eventType, long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await foreach (StoredEvent stored in PagedRead.ReadAsync(afterPosition, _readPageSize, (from, page, ct) => ReadPageAsync(sql, from, eventType, page, ct), static last => last.Position, cancellationToken).ConfigureAwait(false))
        {
            yield return stored;
        }
    }

    /// <summary>
    /// Reads one page on a pooled connection and returns it before anything is yielded, so no query or snapshot stays open while the
    /// caller works. Parameters: $1 the cursor, $2 the page size, $3 the stream or event type when the query has one.
    /// </summary>
    private async ValueTask ReadPageAsync(string sql, long from, string? key, List<StoredEvent> page, CancellationToken cancellationToken)
    {
        await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                if (ReferenceEquals(sql, _readStreamSql))
                {
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key! });
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
                    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _readPageSize });
                }
                else
                {
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
                    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _readPageSize });
                    if (key is not null)
                    {
                        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
                    }
                }

                await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    page.Add(PostgresEventRows.Read(reader));
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
