using EventDriven.PostgreSql.DeadLetters;
using EventDriven.PostgreSql.Inbox;
using EventDriven.PostgreSql.Sagas;
using EventDriven.PostgreSql.Writing;
using EventDriven.Reliability;
using EventDriven.Sagas;
using EventDriven.Serialization;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>
/// Your own SQL, inbox marks, saga saves, dead letters and event appends committed in <b>one</b> PostgreSQL transaction, all or
/// nothing, on your connection and transaction (<see cref="PostgresEventStore.BeginUnitOfWork"/>) or on one the store opens
/// (<see cref="PostgresEventStore.BeginUnitOfWorkAsync"/>): the PostgreSQL counterpart of <c>SqliteInbox.ExecuteOnceAsync</c>, and
/// where the outbox rows of a broker go.
/// </summary>
/// <remarks>
/// <para>
/// <b>Order.</b> Marks, saga saves and dead letters are written when you call them, in the transaction. Appends are checked and written
/// at <see cref="CommitAsync"/> (or <see cref="WriteAppendsAsync"/>), right before the commit: they take the store's append lock, which
/// every appender of every process waits for until this transaction ends, so the lock is held for the commit only, not for your work.
/// </para>
/// <para>
/// <b>Exactly once.</b> <see cref="MarkHandledAsync"/> first: false means another transaction already handled the event (return
/// without doing the work). A concurrent transaction marking the same event waits at its mark until this one ends.
/// </para>
/// <para>
/// <b>Failure.</b> An append whose expected version does not hold throws <see cref="ConcurrencyException"/> from <see cref="CommitAsync"/>,
/// a stale saga save <see cref="SagaConcurrencyException"/>; then roll back (disposing the unit does, for a transaction it opened;
/// yours, you roll back). Saga saves go straight to the table, past <see cref="PostgresSagaStore"/>'s write-behind queue.
/// </para>
/// </remarks>
public sealed class PostgresUnitOfWork : IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private readonly IEventSerializer _serializer;
    private readonly int _maxEventSize;
    private readonly TimeProvider _time;
    private readonly bool _owned;
    private readonly List<(string Stream, EventToAppend[] Events, SerializedEvent[] Serialized, ExpectedVersion Expected)> _appends = [];
    private readonly List<(EventToAppend Item, SerializedEvent Serialized, string PartitionKey)> _sends = [];
    private bool _appendsWritten;
    private bool _finished;

    internal PostgresUnitOfWork(PostgresDatabase database, IEventSerializer serializer, int maxEventSize, TimeProvider time, NpgsqlConnection connection, NpgsqlTransaction transaction, bool owned)
    {
        _database = database;
        _serializer = serializer;
        _maxEventSize = maxEventSize;
        _time = time;
        Connection = connection;
        Transaction = transaction;
        _owned = owned;
    }

    /// <summary>A unit on a connection and transaction of its own, opened from <paramref name="database"/>'s pool; disposing it closes them.</summary>
    internal static async ValueTask<PostgresUnitOfWork> BeginOwnedAsync(PostgresDatabase database, IEventSerializer serializer, int maxEventSize, TimeProvider time, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresUnitOfWork(database, serializer, maxEventSize, time, connection, transaction, owned: true);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The connection: run your own commands on it, with <see cref="Transaction"/>.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction everything of the unit is in.</summary>
    public NpgsqlTransaction Transaction { get; }

    /// <summary>Appends <paramref name="events"/> to <paramref name="streamId"/> at the commit, with the checks of <see cref="IEventStore.AppendAsync"/>.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="events">The events; serialized now, on the calling thread (a bad event throws here).</param>
    /// <param name="expectedVersion">The optimistic-concurrency check, made at the commit.</param>
    /// <returns>This unit, to add more.</returns>
    public PostgresUnitOfWork Append(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ThrowIfFinished();
        if (_appendsWritten)
        {
            throw new InvalidOperationException("The unit's appends were already written (WriteAppendsAsync); add appends before that.");
        }

        PostgresText.ThrowIfNul(streamId, nameof(streamId));
        EventToAppend[] items = AppendInput.Serialize(_serializer, events, _maxEventSize, out SerializedEvent[] serialized);
        if (items.Length == 0)
        {
            throw new ArgumentException("An append in a unit of work needs at least one event.", nameof(events));
        }

        PostgresText.ThrowIfNul(items, serialized);
        _appends.Add((streamId, items, serialized, expectedVersion));
        return this;
    }

    /// <summary>
    /// Puts <paramref name="event"/> in the outbox (without storing it as an event), written at the commit: the relays send it once
    /// the transaction committed, and never if it rolled back. Appends of event types <see cref="PostgresStoreOptions.Outbox"/>
    /// includes need no <c>Send</c>: they get their outbox row by themselves.
    /// </summary>
    /// <param name="event">The event, serialized now with the store's serializer.</param>
    /// <param name="partitionKey">What orders it: messages of one key leave in commit order (e.g. the order id).</param>
    /// <param name="causationId">The event that caused it, if any.</param>
    /// <param name="correlationId">The business flow it belongs to; its own id when null.</param>
    /// <returns>This unit, to add more.</returns>
    public PostgresUnitOfWork Send(IEvent @event, string partitionKey, Guid? causationId = null, Guid? correlationId = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentException.ThrowIfNullOrEmpty(partitionKey);
        ThrowIfFinished();
        if (_appendsWritten)
        {
            throw new InvalidOperationException("The unit's appends and sends were already written (WriteAppendsAsync); add sends before that.");
        }

        PostgresText.ThrowIfNul(partitionKey, nameof(partitionKey));
        var item = new EventToAppend(@event, causationId, correlationId ?? @event.Id);
        EventToAppend[] items = AppendInput.Serialize(_serializer, [item], _maxEventSize, out SerializedEvent[] serialized);
        PostgresText.ThrowIfNul(items, serialized);
        _sends.Add((item, serialized[0], partitionKey));
        return this;
    }

    /// <summary>Records that <paramref name="consumer"/> handled <paramref name="eventId"/> (the record of <see cref="PostgresInbox"/>), now, in the transaction.</summary>
    /// <returns>True when recorded now; false when already recorded (by a committed transaction): skip the work.</returns>
    public async ValueTask<bool> MarkHandledAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ThrowIfFinished();
        return await Translate(InboxSql.MarkAsync(Connection, Transaction, _database.Schema, consumer, eventId, _time.GetUtcNow(), cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Saves a saga instance in the transaction, checked against <paramref name="expectedRevision"/> (0: a new instance).</summary>
    /// <exception cref="SagaConcurrencyException">The stored instance is at another revision.</exception>
    public async ValueTask SaveSagaAsync(SagaRecord record, long expectedRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfFinished();
        PostgresText.ThrowIfNul(record.CorrelationId, "record.CorrelationId");
        await Translate(new SagaSql(_database.Schema).SaveAsync(Connection, Transaction, record, expectedRevision, cancellationToken).AsTask()).ConfigureAwait(false);
    }

    /// <summary>Writes a dead letter in the transaction; an event that cannot be serialized is kept without payload, with the reason.</summary>
    /// <returns>The letter's id (valid once the transaction commits).</returns>
    public async ValueTask<long> DeadLetterAsync(DeadLetter letter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ThrowIfFinished();
        await using var insert = new NpgsqlCommand(DeadLetterWrite.InsertSql(_database.Schema), Connection, Transaction);
        DeadLetterWrite.Bind(insert, letter, DeadLetterPayload.Serialize(letter, _serializer));
        return (long)(await Translate(insert.ExecuteScalarAsync(cancellationToken)).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Takes the append lock and writes the unit's appends in the transaction, without committing: for a transaction you commit
    /// yourself (commit right after; every appender waits for this transaction from here on). <see cref="CommitAsync"/> calls it.
    /// </summary>
    /// <returns>Each append's result, in the order of the appends.</returns>
    /// <exception cref="ConcurrencyException">An append's expected version does not hold; nothing of the appends was written (roll back).</exception>
    public async ValueTask<IReadOnlyList<AppendResult>> WriteAppendsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfFinished();
        if (_appendsWritten)
        {
            throw new InvalidOperationException("The unit's appends were already written.");
        }

        _appendsWritten = true;
        if (_appends.Count == 0)
        {
            await WriteSendsAsync(lockTaken: false, cancellationToken).ConfigureAwait(false);
            return [];
        }

        var session = new EventAppendSession(_database.Schema, () => _database.Outbox);
        foreach (var append in _appends)
        {
            session.Ask(append.Stream, append.Events);
        }

        await Translate(session.LockAsync(Connection, Transaction, cancellationToken).AsTask()).ConfigureAwait(false);
        var results = new AppendResult[_appends.Count];
        for (int i = 0; i < results.Length; i++)
        {
            var append = _appends[i];
            results[i] = session.Apply(append.Stream, append.Events, append.Serialized, append.Expected);
        }

        await Translate(session.FlushAsync(Connection, Transaction, cancellationToken).AsTask()).ConfigureAwait(false);
        await WriteSendsAsync(lockTaken: true, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// The sends' outbox rows, under the append lock (taken here when no append took it): their sequences are then handed out in
    /// commit order, as the appends' positions are, so no relay sends a later commit of the same key before an earlier one.
    /// </summary>
    private async Task WriteSendsAsync(bool lockTaken, CancellationToken cancellationToken)
    {
        if (_sends.Count == 0)
        {
            return;
        }

        await _database.EnsureComponentAsync(PostgresSchema.OutboxComponent, cancellationToken).ConfigureAwait(false);
        var sql = _database.Outbox ?? new Outbox.OutboxSql(_database.Schema, new EventDriven.Outbox.OutboxOptions());
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        if (!lockTaken)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT 1 FROM {_database.Schema}.events_head WHERE id = 1 FOR UPDATE"));
        }

        foreach ((EventToAppend item, SerializedEvent serialized, string partitionKey) in _sends)
        {
            var insert = new NpgsqlBatchCommand(sql.SendSql);
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = item.Event.Id });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serialized.EventType });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = serialized.SchemaVersion });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = partitionKey });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = item.Event.OccurredAt.UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)item.CausationId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)item.CorrelationId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = serialized.Payload });
            batch.BatchCommands.Add(insert);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.NotifySql));
        await Translate(batch.ExecuteNonQueryAsync(cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Writes the appends (see <see cref="WriteAppendsAsync"/>) and commits the transaction: everything of the unit, or nothing.</summary>
    /// <returns>Each append's result, in the order of the appends.</returns>
    public async ValueTask<IReadOnlyList<AppendResult>> CommitAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<AppendResult> results = _appendsWritten ? [] : await WriteAppendsAsync(cancellationToken).ConfigureAwait(false);
        await Translate(Transaction.CommitAsync(cancellationToken)).ConfigureAwait(false);
        _finished = true;
        return results;
    }

    /// <summary>For a transaction the unit opened: rolls it back unless committed, and closes the connection. Yours it leaves alone.</summary>
    public async ValueTask DisposeAsync()
    {
        _finished = true;
        if (_owned)
        {
            await Transaction.DisposeAsync().ConfigureAwait(false);
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<T> Translate<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgresErrors.IsUnavailable(exception))
        {
            throw _database.Unavailable(exception);
        }
    }

    private async Task Translate(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgresErrors.IsUnavailable(exception))
        {
            throw _database.Unavailable(exception);
        }
    }

    private Task<T> Translate<T>(ValueTask<T> call) => Translate(call.AsTask());

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("This unit of work is committed or disposed; start a new one.");
        }
    }
}
