using EventDriven.PostgreSql.DeadLetters;
using EventDriven.Reliability;
using EventDriven.Serialization;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>
/// The durable <see cref="IDeadLetterSink"/> on PostgreSQL: every event a handler failed on for good is kept in the table
/// <c>dead_letters</c> of the store's schema, with the handler, the exception and the attempts, until an operator lists it, inspects
/// it, re-drives it once the cause is fixed, or deletes it. <c>AddEventDrivenPostgres</c> registers it. Letters of every process using
/// the store land in the one table.
/// </summary>
/// <remarks>
/// The event is stored serialized under its stable type name. An event that cannot be serialized is still kept, without payload and
/// with the reason, and a payload that cannot be read back later never stops the listing: only that letter's <see cref="ReadEvent"/>
/// and re-drive fail, with <see cref="UnreadableDeadLetterException"/>.
/// </remarks>
public sealed class PostgresDeadLetterStore : IDeadLetterStore, IAsyncDisposable, IDisposable
{
    /// <summary>The most letters one <see cref="ListAsync"/> call returns.</summary>
    public const int MaxPageSize = 10_000;

    private const string Columns = "id, event_id, event_type, schema_version, occurred_at, payload, payload_error, handler, exception_type, exception_message, exception_detail, attempts, failed_at, redriven_at, redrive_count";

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;
    private readonly string _table;
    private int _disposed;

    /// <summary>Opens the dead-letter store on the server of <paramref name="connectionString"/>, in the default schema.</summary>
    public PostgresDeadLetterStore(string connectionString)
        : this(new PostgresStoreOptions { ConnectionString = connectionString })
    {
    }

    /// <summary>Opens the dead-letter store; its table is created at the first call when missing.</summary>
    /// <param name="options">The server, the schema, and the serializer (or event types) of the events.</param>
    /// <param name="timeProvider">The clock of re-drive times; the system clock by default.</param>
    public PostgresDeadLetterStore(PostgresStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        Serializer = options.Serializer ?? new JsonEventSerializer(options.EventTypes ?? new EventTypeRegistry());
        _database = PostgresDatabase.Acquire(options);
        _database.Require(PostgresSchema.DeadLettersComponent);
        _table = _database.Schema + ".dead_letters";
    }

    /// <summary>The serializer the events are stored and read back with.</summary>
    public IEventSerializer Serializer { get; }

    /// <summary>Stores <paramref name="letter"/> durably, committed with whatever else this process has queued for the store.</summary>
    /// <remarks>An event that cannot be serialized is stored without payload, with the reason in <see cref="DeadLetterRecord.PayloadError"/>.</remarks>
    public async ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ThrowIfDisposed();
        var write = new DeadLetterWrite(letter, Serializer);
        _database.Enqueue(write);
        await write.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of letters in id order, after <paramref name="afterId"/>: pass the last id of a page to get the next. Events are not read, so unreadable letters are listed too.</summary>
    /// <param name="afterId">Return letters with a larger id; 0 from the start.</param>
    /// <param name="limit">At most this many (1 to <see cref="MaxPageSize"/>).</param>
    /// <param name="includeRedriven">Also letters already re-driven (by default only those still waiting).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async ValueTask<IReadOnlyList<DeadLetterRecord>> ListAsync(long afterId = 0, int limit = 100, bool includeRedriven = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        return await QueryAsync(
            $"SELECT {Columns} FROM {_table} WHERE id > $1 {(includeRedriven ? "" : "AND redriven_at IS NULL ")}ORDER BY id LIMIT $2",
            command =>
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterId });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many letters the store holds: those still waiting, or with <paramref name="includeRedriven"/> all of them.</summary>
    public async ValueTask<long> CountAsync(bool includeRedriven = false, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                await using var count = new NpgsqlCommand(includeRedriven ? $"SELECT count(*) FROM {_table}" : $"SELECT count(*) FROM {_table} WHERE redriven_at IS NULL", connection);
                return (long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The letter with id <paramref name="id"/>, re-driven or not; null when there is none.</summary>
    public async ValueTask<DeadLetterRecord?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<DeadLetterRecord> found = await QueryAsync($"SELECT {Columns} FROM {_table} WHERE id = $1", command => command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id }), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The letter with id <paramref name="id"/> and its event read back, or the reason it cannot be; null when there is no such letter.</summary>
    public async ValueTask<DeadLetterInspection?> InspectAsync(long id, CancellationToken cancellationToken = default)
    {
        DeadLetterRecord? letter = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        return letter is null ? null : DeadLetterPayload.Inspect(letter, Serializer);
    }

    /// <summary>Reads the event of <paramref name="letter"/> back with <see cref="Serializer"/>, upcasting an older schema version.</summary>
    /// <exception cref="UnreadableDeadLetterException">It was not serializable when dead-lettered, or its payload cannot be read back now.</exception>
    public IEvent ReadEvent(DeadLetterRecord letter) => DeadLetterPayload.ReadEvent(letter, Serializer);

    /// <summary>
    /// Reads the letter's event back, hands it to <paramref name="publish"/>, and marks the letter re-driven (it then leaves the default
    /// listing; <see cref="DeleteAsync"/> removes it for good). When <paramref name="publish"/> throws, the letter stays as it was.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No letter has that id.</exception>
    /// <exception cref="UnreadableDeadLetterException">The letter's event cannot be read back; nothing was re-driven.</exception>
    public async ValueTask<IEvent> RedriveAsync(long id, Func<IEvent, CancellationToken, ValueTask> publish, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publish);
        DeadLetterRecord letter = await GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No dead letter with id {id} in the PostgreSQL store {_database.Location}: it was deleted, or never existed.");
        DateTime now = _time.GetUtcNow().UtcDateTime;
        return await DeadLetterPayload.RedriveAsync(
            letter,
            Serializer,
            publish,
            async () => await ExecuteAsync($"UPDATE {_table} SET redriven_at = $1, redrive_count = redrive_count + 1 WHERE id = $2", command =>
            {
                command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            }, CancellationToken.None).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Re-drives the letter through <paramref name="bus"/> as a <typeparamref name="TEvent"/>: every handler of <typeparamref name="TEvent"/>
    /// runs again, not only the one that failed (inbox handlers that already handled it skip it).
    /// </summary>
    /// <exception cref="InvalidOperationException">The letter's event is not a <typeparamref name="TEvent"/>; nothing was re-driven.</exception>
    public ValueTask<IEvent> RedriveAsync<TEvent>(long id, IEventBus bus, CancellationToken cancellationToken = default)
        where TEvent : IEvent
        => RedriveAsync(id, DeadLetterPayload.PublishAs<TEvent>(id, bus), cancellationToken);

    /// <summary>Removes the letter for good. Returns false when there was none with that id.</summary>
    public async ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
        => await ExecuteAsync($"DELETE FROM {_table} WHERE id = $1", command => command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id }), cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>Waits until the letters already queued are committed and lets go of the store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _database.ReleaseAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? _database.ReleaseAsync() : default;

    private Task EnsureCreatedAsync(CancellationToken cancellationToken) => _database.EnsureComponentAsync(PostgresSchema.DeadLettersComponent, cancellationToken);

    private async ValueTask<int> ExecuteAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                bind(command);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IReadOnlyList<DeadLetterRecord>> QueryAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync<IReadOnlyList<DeadLetterRecord>>(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                bind(command);
                await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var page = new List<DeadLetterRecord>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    page.Add(Read(reader));
                }

                return page;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static DeadLetterRecord Read(NpgsqlDataReader reader)
        => new(
            Id: reader.GetInt64(0),
            EventId: reader.GetGuid(1),
            EventType: reader.GetString(2),
            SchemaVersion: reader.GetInt32(3),
            OccurredAt: new DateTimeOffset(reader.GetFieldValue<DateTime>(4), TimeSpan.Zero),
            Payload: reader.IsDBNull(5) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(5),
            PayloadError: reader.IsDBNull(6) ? null : reader.GetString(6),
            HandlerName: reader.GetString(7),
            ExceptionType: reader.GetString(8),
            ExceptionMessage: reader.GetString(9),
            ExceptionDetail: reader.GetString(10),
            Attempts: reader.GetInt32(11),
            FailedAt: new DateTimeOffset(reader.GetFieldValue<DateTime>(12), TimeSpan.Zero),
            RedrivenAt: reader.IsDBNull(13) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(13), TimeSpan.Zero),
            RedriveCount: reader.GetInt32(14));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
