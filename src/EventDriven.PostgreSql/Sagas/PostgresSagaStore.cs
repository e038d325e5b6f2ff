using EventDriven.PostgreSql.Sagas;
using EventDriven.PostgreSql.Writing;
using EventDriven.Sagas;
using EventDriven.Sagas.Storage;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>
/// The durable <see cref="ISagaStore"/> on PostgreSQL: saga instances in the table <c>sagas</c> of the store's schema, written by
/// this process's one writer with everything else queued for the store (appends, inbox marks) in one transaction.
/// </summary>
/// <remarks>
/// <para>
/// <b>Group commit.</b> Saves are queued; each save's task completes after the commit that holds it. Saves of one instance queued
/// together collapse into the newest. With the runtime's default <see cref="SagaDurability.WriteBehind"/>, nobody waits for those
/// commits on the bus's consumer threads.
/// </para>
/// <para>
/// <b>Several processes.</b> A save is checked against the revision its instance was loaded at, so two processes advancing the same
/// instance cannot both win: the second fails with <see cref="SagaConcurrencyException"/>.
/// </para>
/// <para>
/// <b>Read-your-writes.</b> <see cref="LoadAsync"/> sees this process's queued and committing saves before the table;
/// <see cref="ListOpenAsync"/> and <see cref="GetDueTimeoutsAsync"/> flush first. Dispose it (the container does) to commit what is still queued.
/// </para>
/// </remarks>
public sealed class PostgresSagaStore : IAtomicSagaStore, IAsyncDisposable, IDisposable
{
    private readonly PostgresDatabase _database;
    private readonly PostgresStoreOptions _options;
    private EventDriven.Serialization.IEventSerializer? _serializer;
    private readonly SagaSaveQueue _saves = new();
    private readonly Action<PendingSagaSave> _enqueue;
    private readonly SagaSql _sql;
    private int _disposed;

    /// <summary>Opens the saga table on the server of <paramref name="connectionString"/>, in the default schema.</summary>
    public PostgresSagaStore(string connectionString)
        : this(new PostgresStoreOptions { ConnectionString = connectionString })
    {
    }

    /// <summary>Opens the saga table; it is created at the first call when missing.</summary>
    public PostgresSagaStore(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _database = PostgresDatabase.Acquire(options);
        _enqueue = _database.Enqueue;
        _database.Require(PostgresSchema.SagasComponent);
        _sql = new SagaSql(_database.Schema);
    }

    /// <summary>The shared database of this store (its writer).</summary>
    internal PostgresDatabase Database => _database;

    /// <inheritdoc />
    public async ValueTask<SagaRecord?> LoadAsync(string sagaType, string correlationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentException.ThrowIfNullOrEmpty(correlationId);
        ThrowIfDisposed();
        if (_saves.FindUncommitted(sagaType, correlationId) is { } uncommitted)
        {
            return uncommitted;
        }

        // The writer may commit the instance between the look at the queue and this read: the table then has the same revision or a
        // newer one, never an older one, because a save leaves the queue only after its commit.
        IReadOnlyList<SagaRecord> found = await QueryAsync(_sql.Load, sagaType, command => command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = correlationId }), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    /// <remarks>
    /// One transaction on a connection of its own (a <see cref="PostgresUnitOfWork"/>): the saga row and the appended events, with
    /// their outbox rows when the store's outbox includes their types, under the append lock like every append (positions stay in
    /// commit order). Events are serialized with the store options' serializer, as the event store does.
    /// </remarks>
    public async ValueTask SaveWithEventsAsync(SagaRecord record, long expectedRevision, IReadOnlyList<SagaStepEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        ThrowIfDisposed();
        foreach (string component in (string[])[PostgresSchema.EventsComponent, PostgresSchema.SagasComponent, PostgresSchema.OutboxComponent])
        {
            await _database.EnsureComponentAsync(component, cancellationToken).ConfigureAwait(false);
        }

        _serializer ??= _options.Serializer ?? new EventDriven.Serialization.JsonEventSerializer(_options.EventTypes ?? new EventDriven.Serialization.EventTypeRegistry());
        await using PostgresUnitOfWork unit = await PostgresUnitOfWork.BeginOwnedAsync(_database, _serializer, _options.MaxEventSize, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        await unit.SaveSagaAsync(record, expectedRevision, cancellationToken).ConfigureAwait(false);
        foreach (SagaStepEvent step in events)
        {
            unit.Append(step.StreamId, [step.Event], EventDriven.Store.ExpectedVersion.Any);
        }

        await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
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
            return new(Queue(record, expectedRevision, onFailure: null)!); // the writer creates the table before its first group
        }
        catch (Exception refused) when (refused is SagaConcurrencyException or ArgumentException)
        {
            return ValueTask.FromException(refused);
        }
    }

    /// <inheritdoc />
    /// <remarks>Queued for the next group commit; <paramref name="onFailure"/> runs on the writer thread if that commit fails the save.</remarks>
    public void SaveInBackground(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception> onFailure)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRevision);
        ArgumentNullException.ThrowIfNull(onFailure);
        ThrowIfDisposed();
        _ = Queue(record, expectedRevision, onFailure);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SagaRecord>> ListOpenAsync(string sagaType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(_sql.Open, sagaType, static _ => { }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SagaRecord>> GetDueTimeoutsAsync(string sagaType, DateTimeOffset dueBy, int max, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(_sql.Due, sagaType, command =>
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = dueBy.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var barrier = new WriterBarrier();
        _database.Enqueue(barrier);
        await barrier.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits what is queued, then lets go of the store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _database.ReleaseAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? _database.ReleaseAsync() : default;

    private Task EnsureCreatedAsync(CancellationToken cancellationToken) => _database.EnsureComponentAsync(PostgresSchema.SagasComponent, cancellationToken);

    private async ValueTask<IReadOnlyList<SagaRecord>> QueryAsync(string sql, string sagaType, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync<IReadOnlyList<SagaRecord>>(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sagaType });
                bind(command);
                await using NpgsqlDataReader row = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var records = new List<SagaRecord>();
                while (await row.ReadAsync(ct).ConfigureAwait(false))
                {
                    records.Add(SagaSql.Read(row, sagaType));
                }

                return records;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues the save for the writer, or folds it into the queued save of the same instance.</summary>
    private Task? Queue(SagaRecord record, long expectedRevision, Action<SagaRecord, Exception>? onFailure)
    {
        PostgresText.ThrowIfNul(record.SagaType, "record.SagaType");
        PostgresText.ThrowIfNul(record.CorrelationId, "record.CorrelationId");
        return _saves.Queue(record, expectedRevision, onFailure, _enqueue);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
