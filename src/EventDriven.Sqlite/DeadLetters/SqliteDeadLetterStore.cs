using EventDriven.Reliability;
using EventDriven.Serialization;
using EventDriven.Sqlite.DeadLetters;
using EventDriven.Sqlite.Writing;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// The durable <see cref="IDeadLetterSink"/>: every event a handler failed on for good is kept in the table <c>dead_letters</c> of
/// the same SQLite file as the event store, with the handler, the exception and the attempts, until an operator lists it,
/// inspects it, re-drives it once the cause is fixed, or deletes it. <c>AddEventDrivenSqlite</c> registers it.
/// </summary>
/// <remarks>
/// The event is stored serialized under its stable type name (the store's <see cref="IEventSerializer"/>). An event that cannot
/// be serialized (its type has no JSON metadata) is still kept, without payload and with the reason, and a stored payload that
/// cannot be read back later (corrupt, type renamed or removed, newer schema) never stops the listing: only that letter's
/// <see cref="ReadEvent"/> and re-drive fail, with <see cref="UnreadableDeadLetterException"/>.
/// </remarks>
public sealed class SqliteDeadLetterStore : IDeadLetterStore, IDisposable
{
    /// <summary>The most letters one <see cref="ListAsync"/> call returns.</summary>
    public const int MaxPageSize = 10_000;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private int _disposed;

    /// <summary>Opens the dead-letter store in the database at <paramref name="databasePath"/>, creating the file and its table when missing.</summary>
    public SqliteDeadLetterStore(string databasePath)
        : this(new SqliteStoreOptions { DatabasePath = databasePath })
    {
    }

    /// <summary>Opens the dead-letter store in <see cref="SqliteStoreOptions.DatabasePath"/>, creating the file and its table when missing.</summary>
    /// <param name="options">The database, its durability and busy timeout, and the serializer (or event types) of the events.</param>
    /// <param name="timeProvider">The clock of re-drive times; the system clock by default.</param>
    /// <exception cref="IncompatibleDatabaseException">The file is not an EventDriven database, or its dead-letter table is newer than this library.</exception>
    public SqliteDeadLetterStore(SqliteStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        Serializer = options.Serializer ?? new JsonEventSerializer(options.EventTypes ?? new EventTypeRegistry());
        _database = SqliteDatabase.Acquire(options, DeadLetterSchema.Component, DeadLetterSchema.Version, DeadLetterSchema.CreateSql);
    }

    /// <summary>The serializer the events are stored and read back with.</summary>
    public IEventSerializer Serializer { get; }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <summary>Stores <paramref name="letter"/> durably (to the configured <see cref="SqliteStoreOptions.Synchronous"/>).</summary>
    /// <remarks>An event that cannot be serialized is stored without payload, with the reason in <see cref="DeadLetterRecord.PayloadError"/>.</remarks>
    public async ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        DeadLetterRow row = DeadLetterRow.From(letter, Serializer);
        await _database.WriteAsync(writer => row.Insert(writer), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One page of letters in id order, after <paramref name="afterId"/>: pass the last id of a page to get the next. Events are
    /// not read, so unreadable letters are listed too.
    /// </summary>
    /// <param name="afterId">Return letters with a larger id; 0 from the start.</param>
    /// <param name="limit">At most this many (1 to <see cref="MaxPageSize"/>).</param>
    /// <param name="includeRedriven">Also letters already re-driven (by default only those still waiting).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async ValueTask<IReadOnlyList<DeadLetterRecord>> ListAsync(long afterId = 0, int limit = 100, bool includeRedriven = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await using SqliteConnection connection = await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand list = connection.CreateCommand();
        list.CommandText = $"SELECT {DeadLetterSchema.Columns} FROM dead_letters WHERE id > $after {(includeRedriven ? "" : "AND redriven_at IS NULL ")}ORDER BY id LIMIT $limit";
        list.Parameters.Add("$after", SqliteType.Integer).Value = afterId;
        list.Parameters.Add("$limit", SqliteType.Integer).Value = limit;
        var page = new List<DeadLetterRecord>();
        await using SqliteDataReader reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(ReadRecord(reader));
        }

        return page;
    }

    /// <summary>How many letters the store holds: those still waiting, or with <paramref name="includeRedriven"/> all of them.</summary>
    public async ValueTask<long> CountAsync(bool includeRedriven = false, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await using SqliteConnection connection = await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand count = connection.CreateCommand();
        count.CommandText = includeRedriven ? "SELECT count(*) FROM dead_letters" : "SELECT count(*) FROM dead_letters WHERE redriven_at IS NULL";
        return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The letter with id <paramref name="id"/>, re-driven or not; null when there is none.</summary>
    public async ValueTask<DeadLetterRecord?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await using SqliteConnection connection = await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand get = connection.CreateCommand();
        get.CommandText = $"SELECT {DeadLetterSchema.Columns} FROM dead_letters WHERE id = $id";
        get.Parameters.Add("$id", SqliteType.Integer).Value = id;
        await using SqliteDataReader reader = await get.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRecord(reader) : null;
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
    /// Reads the letter's event back, hands it to <paramref name="publish"/>, and marks the letter re-driven (it then leaves the
    /// default listing; <see cref="DeleteAsync"/> removes it for good). When <paramref name="publish"/> throws, the letter stays as it was.
    /// </summary>
    /// <param name="id">The letter.</param>
    /// <param name="publish">Where the event goes again: usually the bus, e.g. <c>(e, ct) =&gt; e switch { OrderPlaced o =&gt; bus.PublishAsync(o, ct), ... }</c>.</param>
    /// <param name="cancellationToken">Cancels before the event is handed on.</param>
    /// <returns>The event that was re-driven.</returns>
    /// <exception cref="KeyNotFoundException">No letter has that id.</exception>
    /// <exception cref="UnreadableDeadLetterException">The letter's event cannot be read back; nothing was re-driven.</exception>
    public async ValueTask<IEvent> RedriveAsync(long id, Func<IEvent, CancellationToken, ValueTask> publish, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publish);
        DeadLetterRecord letter = await GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No dead letter with id {id} in '{DatabasePath}': it was deleted, or never existed.");
        long now = _time.GetUtcNow().UtcTicks;
        return await DeadLetterPayload.RedriveAsync(
            letter,
            Serializer,
            publish,
            async () => await _database.WriteAsync(
                writer =>
                {
                    SqliteCommand mark = writer.Commands.Get(DeadLetterSchema.MarkRedrivenSql, writer.Transaction);
                    SqliteCommandCache.Set(mark, "$now", now);
                    SqliteCommandCache.Set(mark, "$id", id);
                    return mark.ExecuteNonQuery();
                },
                CancellationToken.None).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Re-drives the letter through <paramref name="bus"/> as a <typeparamref name="TEvent"/>: every handler of
    /// <typeparamref name="TEvent"/> runs again, not only the one that failed. Handlers with <c>[EventHandler(Inbox = true)]</c> that
    /// already handled the event skip it; others should be idempotent. See <see cref="RedriveAsync(long, Func{IEvent, CancellationToken, ValueTask}, CancellationToken)"/>.
    /// </summary>
    /// <remarks>
    /// In inline mode a handler that fails again throws here and the letter stays waiting. In ring-buffer mode the publish only
    /// queues the event: a handler that fails again dead-letters it anew, as a new letter.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The letter's event is not a <typeparamref name="TEvent"/>; nothing was re-driven.</exception>
    public ValueTask<IEvent> RedriveAsync<TEvent>(long id, IEventBus bus, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(bus);
        return RedriveAsync(id, DeadLetterPayload.PublishAs<TEvent>(id, bus), cancellationToken);
    }

    /// <summary>Removes the letter for good. Returns false when there was none with that id.</summary>
    public async ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await _database.WriteAsync(
            writer =>
            {
                SqliteCommand delete = writer.Commands.Get(DeadLetterSchema.DeleteSql, writer.Transaction);
                SqliteCommandCache.Set(delete, "$id", id);
                return delete.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Waits until the letters already queued are committed and lets go of the database (the last user closes it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _database.ReleaseAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static DeadLetterRecord ReadRecord(SqliteDataReader reader)
        => new(
            Id: reader.GetInt64(0),
            EventId: reader.GetGuid(1),
            EventType: reader.GetString(2),
            SchemaVersion: reader.GetInt32(3),
            OccurredAt: new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
            // GetFieldValue<byte[]> reads the bytes whatever the column's storage class: a damaged row still lists.
            Payload: reader.IsDBNull(5) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(5),
            PayloadError: reader.IsDBNull(6) ? null : reader.GetString(6),
            HandlerName: reader.GetString(7),
            ExceptionType: reader.GetString(8),
            ExceptionMessage: reader.GetString(9),
            ExceptionDetail: reader.GetString(10),
            Attempts: reader.GetInt32(11),
            FailedAt: new DateTimeOffset(reader.GetInt64(12), TimeSpan.Zero),
            RedrivenAt: reader.IsDBNull(13) ? null : new DateTimeOffset(reader.GetInt64(13), TimeSpan.Zero),
            RedriveCount: reader.GetInt32(14));
}
