using EventDriven.Sagas;
using EventDriven.Sagas.Storage;
using EventDriven.Sqlite.Sagas;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// The durable <see cref="ISagaStore"/>: saga instances in the table <c>sagas</c> of the same SQLite file as the event store,
/// written by the file's one writer (WAL, the configured <see cref="SqliteStoreOptions.Synchronous"/> and busy timeout).
/// </summary>
/// <remarks>
/// <para>
/// <b>Group commit.</b> Saves are queued and written by the database's one writer thread, with everything else queued for the file
/// (appends, inbox marks) in one transaction; each save's task
/// completes after the commit that holds it. Saves of one instance queued together collapse into the newest. With the runtime's
/// default <see cref="SagaDurability.WriteBehind"/>, nobody waits for those commits on the bus's consumer threads.
/// </para>
/// <para>
/// <b>Read-your-writes.</b> <see cref="LoadAsync"/> sees queued and committing saves before the table; <see cref="ListOpenAsync"/> and
/// <see cref="GetDueTimeoutsAsync"/> flush first.
/// </para>
/// <para>Dispose it (the container does) to commit what is still queued.</para>
/// </remarks>
public sealed class SqliteSagaStore : IAtomicSagaStore, IAsyncDisposable, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly SqliteStoreOptions _options;
    private EventDriven.Serialization.IEventSerializer? _serializer;
    private readonly SagaSaveQueue _saves = new();
    private readonly Action<PendingSagaSave> _enqueue;
    private readonly SqliteConnection _reader;
    private readonly SqliteCommand _load;
    private readonly Lock _readerGate = new();
    private int _disposed;

    /// <summary>Opens the saga table in the database at <paramref name="databasePath"/> with default settings, creating the file and table when missing.</summary>
    public SqliteSagaStore(string databasePath)
        : this(new SqliteStoreOptions { DatabasePath = databasePath })
    {
    }

    /// <summary>Opens the saga table in <see cref="SqliteStoreOptions.DatabasePath"/>, creating the file and table when missing.</summary>
    /// <param name="options">The database, its durability and busy timeout (the event store's settings; the rest is not used here).</param>
    /// <exception cref="IncompatibleDatabaseException">The file is not an EventDriven database, or its saga table is newer than this library.</exception>
    public SqliteSagaStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _database = SqliteDatabase.Acquire(options, SagaSchema.Component, SagaSchema.Version, SagaSchema.CreateSql);
        _enqueue = _database.Enqueue;
        try
        {
            // Loads come one per new instance from the consumer threads: a connection of its own with a prepared query, not a pool round trip.
            _reader = _database.OpenDedicatedReader();
            _load = _reader.CreateCommand();
            _load.CommandText = SagaSchema.LoadSql;
            _load.Parameters.Add("$saga_type", SqliteType.Text);
            _load.Parameters.Add("$correlation_id", SqliteType.Text);
            _load.Prepare();
        }
        catch
        {
            _database.ReleaseAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <summary>The file's shared database (its one writer).</summary>
    internal SqliteDatabase Database => _database;

    /// <inheritdoc />
    public ValueTask<SagaRecord?> LoadAsync(string sagaType, string correlationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentException.ThrowIfNullOrEmpty(correlationId);
        ThrowIfDisposed();
        if (_saves.FindUncommitted(sagaType, correlationId) is { } uncommitted)
        {
            return new(uncommitted);
        }

        lock (_readerGate)
        {
            _load.Parameters["$saga_type"].Value = sagaType;
            _load.Parameters["$correlation_id"].Value = correlationId;
            using SqliteDataReader row = _load.ExecuteReader();
            SagaRecord? record = row.Read() ? ReadRecord(row, sagaType) : null;

            // The writer may have committed the instance between the look at its queue and this read: the table then has the same
            // revision or a newer one, never an older one, because a save leaves the queue only after its commit.
            return new(record);
        }
    }

    /// <inheritdoc />
    /// <remarks>Completes after the group commit that holds the save.</remarks>
    public ValueTask SaveAsync(SagaRecord record, long expectedRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        ThrowIfDisposed();
        try
        {
            return new(Queue(record, expectedRevision, onFailure: null)!);
        }
        catch (SagaConcurrencyException conflict)
        {
            return ValueTask.FromException(conflict);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One unit of work of the file's writer (<see cref="SqliteUnitOfWork"/>): the saga row and the events (with their outbox rows,
    /// when the store's outbox includes their types) commit together, in the next group commit. Events are serialized with the
    /// store options' serializer, as the event store does. Do not save the same instance through <see cref="SaveInBackground"/>
    /// while this is pending.
    /// </remarks>
    public async ValueTask SaveWithEventsAsync(SagaRecord record, long expectedRevision, IReadOnlyList<SagaStepEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        ThrowIfDisposed();
        _database.EnsureComponent(SqliteSchema.EventsComponent, SqliteSchema.EventsVersion, SqliteSchema.EventsTableSql);
        var unit = new SqliteUnitOfWork(
            _database,
            _serializer ??= _options.Serializer ?? new EventDriven.Serialization.JsonEventSerializer(_options.EventTypes ?? new EventDriven.Serialization.EventTypeRegistry()),
            _options.MaxEventSize,
            TimeProvider.System);
        unit.SaveSaga(record, expectedRevision);
        foreach (SagaStepEvent step in events)
        {
            unit.Append(step.StreamId, [step.Event], EventDriven.Store.ExpectedVersion.Any);
        }

        await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Queued for the next group commit; <paramref name="onFailure"/> runs on the writer thread if that commit fails the save.</remarks>
    public void SaveInBackground(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception> onFailure)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        ArgumentNullException.ThrowIfNull(onFailure);
        ThrowIfDisposed();
        Queue(record, expectedRevision, onFailure);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SagaRecord>> ListOpenAsync(string sagaType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(SagaSchema.OpenSql, sagaType, command => { }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SagaRecord>> GetDueTimeoutsAsync(string sagaType, DateTimeOffset dueBy, int max, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(SagaSchema.DueSql, sagaType, command =>
        {
            command.Parameters.Add("$due", SqliteType.Integer).Value = dueBy.UtcTicks;
            command.Parameters.Add("$max", SqliteType.Integer).Value = max;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return new(_database.FlushAsync().WaitAsync(cancellationToken));
    }

    /// <summary>Commits what is queued, then closes the store's connections.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _database.ReleaseAsync().AsTask().GetAwaiter().GetResult();
        lock (_readerGate)
        {
            _load.Dispose();
            _reader.Dispose();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    private async ValueTask<IReadOnlyList<SagaRecord>> QueryAsync(string sql, string sagaType, Action<SqliteCommand> addParameters, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$saga_type", SqliteType.Text).Value = sagaType;
        addParameters(command);
        var records = new List<SagaRecord>();
        await using SqliteDataReader rows = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(ReadRecord(rows, sagaType));
        }

        return records;
    }

    private static SagaRecord ReadRecord(SqliteDataReader row, string sagaType)
        => new(
            sagaType,
            row.GetString(0),
            row.GetInt64(1),
            (SagaStatus)row.GetInt32(2),
            (byte[])row.GetValue(3),
            row.IsDBNull(4) ? null : new DateTimeOffset(row.GetInt64(4), TimeSpan.Zero),
            new DateTimeOffset(row.GetInt64(5), TimeSpan.Zero));

    /// <summary>Queues the save for the database's writer, or folds it into the queued save of the same instance.</summary>
    /// <returns>The task to await when <paramref name="onFailure"/> is null.</returns>
    private Task? Queue(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception>? onFailure)
    {
        return _saves.Queue(record, expectedRevision, onFailure, _enqueue);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
