using EventDriven.Outbox;
using EventDriven.Sqlite.Outbox;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// The outbox table of a SQLite file as a relay reads it (<see cref="IOutboxSource"/>): rows written by appends of the event types
/// <see cref="SqliteStoreOptions.Outbox"/> includes (and by <see cref="SqliteUnitOfWork.Send"/>), in the same transaction as the
/// append, relayed in commit order and removed once the broker confirmed them. <c>AddEventDrivenSqlite</c> registers it when the
/// outbox includes any event type.
/// </summary>
/// <remarks>
/// One relay per file: the first claim takes an exclusive lock on <c>&lt;database&gt;.outbox-relay.lock</c> next to the file, held
/// until this object is disposed or the process ends (a killed process loses it at once), so a second relay — in this process or
/// another — fails with <see cref="InvalidOperationException"/> instead of sending the same rows twice. A commit of this process
/// wakes the relay at once; commits of other processes to the same file are seen at the next <see cref="OutboxOptions.PollInterval"/>.
/// </remarks>
public sealed class SqliteOutbox : IOutboxSource
{
    private readonly SqliteDatabase _database;
    private readonly string _lockPath;
    private readonly TimeProvider _time;
    private FileStream? _relayLock;
    private int _disposed;

    /// <summary>Opens the outbox of <see cref="SqliteStoreOptions.DatabasePath"/>, creating the file and its table when missing.</summary>
    /// <exception cref="IncompatibleDatabaseException">The file is not an EventDriven database, or its outbox table is newer than this library.</exception>
    /// <param name="options">The database file and its settings.</param>
    /// <param name="timeProvider">The clock of deferred messages' retry times; the system clock by default.</param>
    public SqliteOutbox(SqliteStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        _database = SqliteDatabase.Acquire(options, OutboxSchema.Component, OutboxSchema.Version, OutboxSchema.CreateSql);
        _lockPath = _database.DatabasePath + ".outbox-relay.lock";
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxMessage>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        TakeRelayLock();
        await using SqliteConnection connection = await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand claim = connection.CreateCommand();
        // A deferred message holds back its own partition key only (the partial index keeps the subquery free while none is).
        claim.CommandText = $"""
            SELECT {OutboxSchema.Columns} FROM outbox
            WHERE partition_key NOT IN (SELECT partition_key FROM outbox WHERE retry_at IS NOT NULL AND retry_at > $now)
            ORDER BY sequence LIMIT $max
            """;
        claim.Parameters.Add("$max", SqliteType.Integer).Value = max;
        claim.Parameters.Add("$now", SqliteType.Integer).Value = _time.GetUtcNow().UtcTicks;
        var batch = new List<OutboxMessage>();
        await using SqliteDataReader reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Add(new OutboxMessage(
                reader.GetInt64(0),
                new Guid((byte[])reader.GetValue(1)),
                reader.GetString(2),
                reader.GetInt32(3),
                (byte[])reader.GetValue(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : new Guid((byte[])reader.GetValue(6)),
                reader.IsDBNull(7) ? null : new Guid((byte[])reader.GetValue(7)),
                new DateTimeOffset(reader.GetInt64(8), TimeSpan.Zero),
                reader.GetInt32(9)));
        }

        return batch;
    }

    /// <inheritdoc />
    /// <remarks>Through the file's writer, committed (durable to <see cref="SqliteStoreOptions.Synchronous"/>) before it completes.</remarks>
    public async ValueTask MarkSentAsync(IReadOnlyList<OutboxMessage> batch, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, batch.Count);
        if (count <= 0)
        {
            return;
        }

        // Exactly these rows, in one transaction: a batch is not a contiguous range of sequences (a deferred key's rows sit between).
        var sequences = new long[count];
        for (int i = 0; i < count; i++)
        {
            sequences[i] = batch[i].Sequence;
        }

        await _database.WriteAsync(
            writer =>
            {
                SqliteCommand delete = writer.Commands.Get("DELETE FROM outbox WHERE sequence = $sequence", writer.Transaction);
                int deleted = 0;
                foreach (long sequence in sequences)
                {
                    Writing.SqliteCommandCache.Set(delete, "$sequence", sequence);
                    deleted += delete.ExecuteNonQuery();
                }

                return deleted;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DeferAsync(OutboxMessage message, TimeSpan delay, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        long retryAt = (_time.GetUtcNow() + delay).UtcTicks;
        await _database.WriteAsync(
            writer =>
            {
                SqliteCommand defer = writer.Commands.Get("UPDATE outbox SET attempts = attempts + 1, retry_at = $retry_at, last_error = $reason WHERE sequence = $sequence", writer.Transaction);
                Writing.SqliteCommandCache.Set(defer, "$retry_at", retryAt);
                Writing.SqliteCommandCache.Set(defer, "$reason", reason);
                Writing.SqliteCommandCache.Set(defer, "$sequence", message.Sequence);
                return defer.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> RetryDeferredNowAsync(CancellationToken cancellationToken)
    {
        int released = await _database.WriteAsync(
            static writer =>
            {
                SqliteCommand release = writer.Commands.Get("UPDATE outbox SET retry_at = NULL WHERE retry_at IS NOT NULL", writer.Transaction);
                return release.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
        _database.Writer.OutboxCommitted.Set();
        return released;
    }

    /// <inheritdoc />
    public async ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => await _database.Writer.OutboxCommitted.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM outbox";
        return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Lets go of the relay lock and of the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _relayLock?.Dispose();
        await _database.ReleaseAsync().ConfigureAwait(false);
    }

    private void TakeRelayLock()
    {
        if (_relayLock is not null)
        {
            return;
        }

        try
        {
            _relayLock = new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException(
                $"Another outbox relay holds '{_lockPath}': one relay per SQLite file, so the same rows are never sent twice. Stop the other relay (in this or another process) or run this one without a relay.",
                exception);
        }
    }
}
