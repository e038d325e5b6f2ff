using EventDriven.PostgreSql.Inbox;
using EventDriven.Reliability;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>
/// The durable <see cref="IInbox"/> on PostgreSQL: which events each consumer (handler) has handled, in the table <c>inbox</c> of the
/// store's schema, shared by every process using the store, so a redelivered event (a retry after a crash, a re-drive, a broker
/// redelivery, a competing consumer) is handled once. <c>AddEventDrivenPostgres</c> registers it; handlers opt in with
/// <c>[EventHandler(Inbox = true)]</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Two guarantees.</b> Through <c>[EventHandler(Inbox = true)]</c> the id is recorded after the handler succeeds: a crash in
/// between runs the handler once more (at-least-once, effectively-once for idempotent effects). Through <see cref="ExecuteOnceAsync"/>
/// (or a <see cref="PostgresUnitOfWork"/>) the handler's own writes and the record commit in one transaction: exactly-once effect
/// for writes to this database, also between processes (the second one to record an event waits for the first one's commit, then
/// finds it recorded).
/// </para>
/// <para><b>Cost.</b> A lookup per event and a committed mark per handled event; marks waiting together are one statement and one commit.</para>
/// </remarks>
public sealed class PostgresInbox : IInbox, IAsyncDisposable, IDisposable
{
    private const int PurgeChunkSize = 4096;

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;
    private readonly ITimer? _purgeTimer;
    private readonly string _existsSql;
    private readonly string _purgeSql;
    private Exception? _lastPurgeFailure;
    private int _purging;
    private int _disposed;

    /// <summary>Opens the inbox on the server of <paramref name="connectionString"/>, in the default schema.</summary>
    public PostgresInbox(string connectionString)
        : this(new PostgresStoreOptions { ConnectionString = connectionString })
    {
    }

    /// <summary>Opens the inbox; its table is created at the first call when missing.</summary>
    /// <param name="options">The server, the schema and <see cref="PostgresStoreOptions.Inbox"/>.</param>
    /// <param name="timeProvider">The clock of <c>processed_at</c> and of the periodic purge; the system clock by default.</param>
    public PostgresInbox(PostgresStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        Retention = options.Inbox.Retention;
        _database = PostgresDatabase.Acquire(options);
        _database.Require(PostgresSchema.InboxComponent);
        _existsSql = InboxSql.Exists(_database.Schema);
        _purgeSql = $"DELETE FROM {_database.Schema}.inbox WHERE ctid IN (SELECT ctid FROM {_database.Schema}.inbox WHERE processed_at < $1 LIMIT $2)";
        if (options.Inbox.PurgeInterval is { } interval)
        {
            _purgeTimer = _time.CreateTimer(static state => ((PostgresInbox)state!).StartBackgroundPurge(), this, interval, interval);
        }
    }

    /// <summary>How long processed ids are remembered (<see cref="PostgresInboxOptions.Retention"/>).</summary>
    public TimeSpan Retention { get; }

    /// <summary>Why the last periodic purge failed (for example the server was down); null after a purge that succeeded.</summary>
    public Exception? LastPurgeFailure => Volatile.Read(ref _lastPurgeFailure);

    /// <summary>The periodic purge started last (tests wait for it); completed when none ran.</summary>
    internal Task LastBackgroundPurge { get; private set; } = Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask<bool> HasProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                await using var exists = new NpgsqlCommand(_existsSql, connection);
                exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
                exists.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
                return await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Completes once the mark is committed, together with whatever else this process has queued for the store.</remarks>
    public async ValueTask<bool> MarkProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        PostgresText.ThrowIfNul(consumer, nameof(consumer));
        var mark = new PendingMark(consumer, eventId, _time.GetUtcNow());
        _database.Enqueue(mark);
        return await mark.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> and records <paramref name="eventId"/> for <paramref name="consumer"/> in one transaction, unless
    /// it is already recorded: the handler's writes to this database and the inbox record commit together or not at all.
    /// </summary>
    /// <param name="consumer">Who handles the event: with <c>[EventHandler(Inbox = true)]</c>, the handler's full type name, so both paths share one record.</param>
    /// <param name="eventId">The event's <see cref="IEvent.Id"/>.</param>
    /// <param name="work">
    /// The handler's writes, on the connection and in the transaction it receives (give the transaction to every command); do not
    /// commit or roll it back. To abandon the work, throw: nothing of it, and no record, is written.
    /// </param>
    /// <param name="cancellationToken">Cancels before the commit; nothing is written then.</param>
    /// <returns>True when the work ran and committed; false when the event was already recorded (the work did not run).</returns>
    /// <remarks>
    /// The record is inserted first: a second process handling the same event at the same moment waits at its insert until this
    /// transaction ends, then finds the event recorded (and runs nothing), or, if this one rolled back, records it and runs.
    /// </remarks>
    public async ValueTask<bool> ExecuteOnceAsync(string consumer, Guid eventId, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, ValueTask> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlConnection connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await InboxSql.MarkAsync(connection, transaction, _database.Schema, consumer, eventId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await work(connection, transaction, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    /// <remarks>Deletes in chunks of a few thousand rows, each its own short transaction, so marks are never held up behind a large purge.</remarks>
    public async ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                int removed = 0;
                int chunk;
                do
                {
                    await using var purge = new NpgsqlCommand(_purgeSql, connection);
                    purge.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = olderThan.UtcDateTime });
                    purge.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PurgeChunkSize });
                    chunk = await purge.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    removed += chunk;
                }
                while (chunk == PurgeChunkSize);

                return removed;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets the ids recorded more than <see cref="Retention"/> ago. Returns how many were removed.</summary>
    public ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
        => PurgeAsync(_time.GetUtcNow() - Retention, cancellationToken);

    /// <summary>Stops the periodic purge, waits until the marks already queued are committed, and lets go of the store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _purgeTimer?.Dispose();
        _database.ReleaseAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _purgeTimer?.Dispose();
        await _database.ReleaseAsync().ConfigureAwait(false);
    }

    internal Task EnsureCreatedAsync(CancellationToken cancellationToken)
        => _database.EnsureComponentAsync(PostgresSchema.InboxComponent, cancellationToken);

    private void StartBackgroundPurge() => LastBackgroundPurge = PurgeInBackgroundAsync();

    private async Task PurgeInBackgroundAsync()
    {
        // One purge at a time: a slow purge must not pile up behind the timer.
        if (Interlocked.Exchange(ref _purging, 1) != 0)
        {
            return;
        }

        try
        {
            await PurgeExpiredAsync().ConfigureAwait(false);
            Volatile.Write(ref _lastPurgeFailure, null);
        }
        catch (Exception exception)
        {
            // A timer callback has no caller to throw to: keep the failure where an operator can see it, and try again next time.
            Volatile.Write(ref _lastPurgeFailure, exception);
        }
        finally
        {
            Volatile.Write(ref _purging, 0);
        }
    }
}
