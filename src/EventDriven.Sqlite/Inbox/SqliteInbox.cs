using EventDriven.Reliability;
using EventDriven.Sqlite.Inbox;
using EventDriven.Sqlite.Writing;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// The durable <see cref="IInbox"/>: which events each consumer (handler) has handled, in the table <c>inbox</c> of the same
/// SQLite file as the event store, so a redelivered event (a retry after a crash, a re-drive, a broker redelivery) is handled
/// once. <c>AddEventDrivenSqlite</c> registers it; handlers opt in with <c>[EventHandler(Inbox = true)]</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Two guarantees.</b> Through <c>[EventHandler(Inbox = true)]</c> the id is recorded after the handler succeeds: a crash in
/// between runs the handler once more (at-least-once, effectively-once for idempotent effects). Through
/// <see cref="ExecuteOnceAsync"/> the handler's own writes to this database and the record commit in one transaction: exactly-once
/// effect for writes to this database.
/// </para>
/// <para>
/// <b>Cost.</b> A lookup per event (<see cref="HasProcessedAsync"/>) and a committed mark per handled event. Marks that arrive
/// together from several consumers are committed together (group commit); an acknowledged mark is durable to the configured
/// <see cref="SqliteStoreOptions.Synchronous"/>.
/// </para>
/// <para>
/// <b>Retention.</b> Ids older than <see cref="SqliteInboxOptions.Retention"/> are forgotten, every
/// <see cref="SqliteInboxOptions.PurgeInterval"/> or when <see cref="PurgeExpiredAsync"/> is called.
/// </para>
/// </remarks>
public sealed class SqliteInbox : IInbox, IAsyncDisposable, IDisposable
{
    private const int PurgeChunkSize = 4096;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly ITimer? _purgeTimer;
    private Exception? _lastPurgeFailure;
    private int _purging;
    private int _disposed;

    /// <summary>Opens the inbox in the database at <paramref name="databasePath"/> with default settings, creating the file and its table when missing.</summary>
    public SqliteInbox(string databasePath)
        : this(new SqliteStoreOptions { DatabasePath = databasePath })
    {
    }

    /// <summary>Opens the inbox in <see cref="SqliteStoreOptions.DatabasePath"/>, creating the file and its table when missing.</summary>
    /// <param name="options">The database, its durability and busy timeout, and <see cref="SqliteStoreOptions.Inbox"/>.</param>
    /// <param name="timeProvider">The clock of <c>processed_at</c> and of the periodic purge; the system clock by default.</param>
    /// <exception cref="IncompatibleDatabaseException">The file is not an EventDriven database, or its inbox table is newer than this library.</exception>
    public SqliteInbox(SqliteStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Inbox.Validate();
        _time = timeProvider ?? TimeProvider.System;
        Retention = options.Inbox.Retention;
        _database = SqliteDatabase.Acquire(options, InboxSchema.Component, InboxSchema.Version, InboxSchema.CreateSql);
        if (options.Inbox.PurgeInterval is { } interval)
        {
            _purgeTimer = _time.CreateTimer(static state => ((SqliteInbox)state!).StartBackgroundPurge(), this, interval, interval);
        }
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <summary>How long processed ids are remembered (<see cref="SqliteInboxOptions.Retention"/>).</summary>
    public TimeSpan Retention { get; }

    /// <summary>Why the last periodic purge failed (for example the database was locked longer than the busy timeout); null after a purge that succeeded.</summary>
    public Exception? LastPurgeFailure => Volatile.Read(ref _lastPurgeFailure);

    /// <summary>The periodic purge started last (tests wait for it); completed when none ran.</summary>
    internal Task LastBackgroundPurge { get; private set; } = Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask<bool> HasProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await using SqliteConnection connection = await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand exists = connection.CreateCommand();
        exists.CommandText = InboxSchema.ExistsSql;
        exists.Parameters.Add("$consumer", SqliteType.Text).Value = consumer;
        exists.Parameters.Add("$event_id", SqliteType.Blob).Value = eventId;
        return await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Completes once the mark is committed (and synced, with <see cref="SqliteSynchronous.Full"/>): the database's one writer
    /// commits it together with whatever else is queued for the file (other marks, appends, saga saves).
    /// </remarks>
    public ValueTask<bool> MarkProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var mark = new PendingMark(consumer, eventId, _time);
        _database.Enqueue(mark);
        return new ValueTask<bool>(mark.Task.WaitAsync(cancellationToken));
    }

    /// <summary>
    /// Runs <paramref name="work"/> and records <paramref name="eventId"/> for <paramref name="consumer"/> in one transaction, unless
    /// it is already recorded: the handler's writes to this database and the inbox record commit together or not at all.
    /// </summary>
    /// <param name="consumer">Who handles the event: with <c>[EventHandler(Inbox = true)]</c>, the handler's full type name, so both paths share one record.</param>
    /// <param name="eventId">The event's <see cref="IEvent.Id"/>.</param>
    /// <param name="work">
    /// The handler's writes. Give every command it creates the transaction it receives (<c>command.Transaction = transaction</c>);
    /// do not commit or roll it back. To abandon the work, throw: nothing of it, and no record, is written.
    /// </param>
    /// <param name="cancellationToken">Cancels before the commit; nothing is written then.</param>
    /// <returns>True when the work ran and committed; false when the event was already recorded (the work did not run).</returns>
    /// <remarks>
    /// The work runs on the database's writer, inside the transaction of its group (in a savepoint of its own, so a failure undoes
    /// only this work and its record), and holds the file's write lock while it runs: keep the work to database writes, not calls to
    /// other services, and never await another write to this file (an append, a mark, a save) inside it: that write queues behind
    /// this work and would never run. The task completes after the commit.
    /// </remarks>
    public async ValueTask<bool> ExecuteOnceAsync(string consumer, Guid eventId, Func<SqliteConnection, SqliteTransaction, CancellationToken, ValueTask> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await _database.WriteAsync(
            writer =>
            {
                // Checked inside the transaction, which holds the write lock: two consumers running the same event cannot both see
                // it unrecorded.
                if (InboxSchema.IsMarked(writer, consumer, eventId))
                {
                    return false;
                }

                // The writer's thread is dedicated to the file: waiting here for the work (SQLite calls are synchronous anyway)
                // blocks nobody else's thread.
                work(writer.Connection, writer.Transaction, cancellationToken).AsTask().GetAwaiter().GetResult();
                cancellationToken.ThrowIfCancellationRequested();
                InboxSchema.Mark(writer, consumer, eventId, _time.GetUtcNow());
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Deletes in chunks of a few thousand rows, each its own write of the database's writer, so marks are not held up behind a large purge.</remarks>
    public async ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        int removed = 0;
        int chunk;
        do
        {
            chunk = await _database.WriteAsync(
                writer =>
                {
                    SqliteCommand purge = writer.Commands.Get(InboxSchema.PurgeChunkSql, writer.Transaction);
                    SqliteCommandCache.Set(purge, "$before", olderThan.UtcTicks);
                    SqliteCommandCache.Set(purge, "$limit", PurgeChunkSize);
                    return purge.ExecuteNonQuery();
                },
                cancellationToken).ConfigureAwait(false);
            removed += chunk;
        }
        while (chunk == PurgeChunkSize);

        return removed;
    }

    /// <summary>Forgets the ids recorded more than <see cref="Retention"/> ago. Returns how many were removed.</summary>
    public ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
        => PurgeAsync(_time.GetUtcNow() - Retention, cancellationToken);

    /// <summary>Stops the periodic purge, waits until the marks already queued are committed, and lets go of the database.</summary>
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
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

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
