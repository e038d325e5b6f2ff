using EventDriven.Outbox;
using EventDriven.PostgreSql.Outbox;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>
/// The outbox table of a PostgreSQL schema as one relay reads it (<see cref="IOutboxSource"/>). Any number of relays, in any number
/// of processes, run over the same schema with no leader: they share the <see cref="PostgresStoreOptions.OutboxPartitions"/>, each
/// partition sent by one relay at a time, so no two relays send the same row and each partition key keeps its order.
/// </summary>
/// <remarks>
/// <para>
/// <b>Sharing.</b> Each relay holds one connection of its own. On it, a shared advisory lock says "a relay is here", and an exclusive
/// advisory lock per partition says "this partition is mine". Before a claim (at most once per <see cref="RebalanceInterval"/>) the
/// relay counts the relays present and keeps its fair share (partitions ÷ relays, rounded up): it lets go of extra partitions and
/// takes free ones. A relay that dies loses its connection, and so its locks, at once; the others take its partitions at their next
/// rebalance and send what it had not removed (a batch it sent but did not remove goes out twice: the inbox absorbs it).
/// </para>
/// <para>
/// <b>Waking.</b> The connection <c>LISTEN</c>s on the schema's channel; every commit that writes outbox rows, from any process,
/// <c>NOTIFY</c>s it, so a relay sends at once after a commit and polls only as the fallback (<see cref="OutboxOptions.PollInterval"/>).
/// </para>
/// </remarks>
public sealed class PostgresOutbox : IOutboxSource
{
    private readonly PostgresDatabase _database;
    private int _partitions;
    private readonly int _lockSpace;
    private readonly TimeProvider _time;
    private readonly HashSet<int> _owned = [];
    private readonly string _claimSql;
    private readonly string _deleteSql;
    private readonly string _deferSql;
    private readonly string _retryNowSql;
    private NpgsqlConnection? _connection;
    private long _lastRebalance = long.MinValue;
    private int _notified;
    private int _disposed;

    /// <summary>Opens the outbox of <see cref="PostgresStoreOptions.Schema"/>; the table is created when missing at the first claim.</summary>
    /// <param name="options">The server, the schema and <see cref="PostgresStoreOptions.OutboxPartitions"/>.</param>
    /// <param name="timeProvider">The clock of the rebalancing interval; the system clock by default.</param>
    public PostgresOutbox(PostgresStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _database = PostgresDatabase.Acquire(options);
        _partitions = options.OutboxPartitions;
        _time = timeProvider ?? TimeProvider.System;
        string s = _database.Schema;

        // The advisory lock keys of this schema: (space, partition) for a partition, (space, partitions) for presence.
        _lockSpace = (int)(StableHash(s) & 0x3FFFFFFF);
        _claimSql = $"""
            SELECT sequence, event_id, event_type, schema_version, payload, partition_key, correlation_id, causation_id, occurred_at, attempts
            FROM {s}.outbox
            WHERE partition = ANY($1)
              AND partition_key NOT IN (SELECT partition_key FROM {s}.outbox WHERE partition = ANY($1) AND retry_at IS NOT NULL AND retry_at > now())
            ORDER BY sequence LIMIT $2
            """;
        _deferSql = $"UPDATE {s}.outbox SET attempts = attempts + 1, retry_at = now() + $2, last_error = $3 WHERE sequence = $1";
        _retryNowSql = $"UPDATE {s}.outbox SET retry_at = NULL WHERE retry_at IS NOT NULL";
        _deleteSql = $"DELETE FROM {s}.outbox WHERE sequence = ANY($1)";
    }

    /// <summary>How often a relay looks at how many relays there are and takes or gives back partitions (default 1 s).</summary>
    public TimeSpan RebalanceInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many partitions the schema's outbox has: fixed when its table was created (read at the first claim).</summary>
    public int Partitions => _partitions;

    /// <summary>The partitions this relay sends now (changes at each rebalance).</summary>
    public IReadOnlyCollection<int> OwnedPartitions => [.. _owned];

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxMessage>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        NpgsqlConnection connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lastRebalance == long.MinValue || _time.GetElapsedTime(_lastRebalance) >= RebalanceInterval)
            {
                await RebalanceAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            if (_owned.Count == 0)
            {
                return [];
            }

            await using var claim = new NpgsqlCommand(_claimSql, connection);
            claim.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. _owned] });
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
            var batch = new List<OutboxMessage>();
            await using NpgsqlDataReader reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                batch.Add(new OutboxMessage(
                    reader.GetInt64(0),
                    reader.GetGuid(1),
                    reader.GetString(2),
                    reader.GetInt32(3),
                    reader.GetFieldValue<byte[]>(4),
                    reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetGuid(6),
                    reader.IsDBNull(7) ? null : reader.GetGuid(7),
                    new DateTimeOffset(reader.GetDateTime(8).ToUniversalTime(), TimeSpan.Zero),
                    reader.GetInt32(9)));
            }

            return batch;
        }
        catch (Exception exception) when (exception is not OperationCanceledException && PostgresErrors.IsUnavailable(exception))
        {
            await DropConnectionAsync().ConfigureAwait(false);
            throw _database.Unavailable(exception);
        }
    }

    /// <inheritdoc />
    public async ValueTask MarkSentAsync(IReadOnlyList<OutboxMessage> batch, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, batch.Count);
        if (count <= 0)
        {
            return;
        }

        var sequences = new long[count];
        for (int i = 0; i < count; i++)
        {
            sequences[i] = batch[i].Sequence;
        }

        try
        {
            NpgsqlConnection connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using var delete = new NpgsqlCommand(_deleteSql, connection);
            delete.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sequences });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && PostgresErrors.IsUnavailable(exception))
        {
            await DropConnectionAsync().ConfigureAwait(false);
            throw _database.Unavailable(exception);
        }
    }

    /// <inheritdoc />
    /// <remarks>The retry time is the server's clock plus <paramref name="delay"/>, so every relay judges it alike.</remarks>
    public async ValueTask DeferAsync(OutboxMessage message, TimeSpan delay, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            NpgsqlConnection connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using var defer = new NpgsqlCommand(_deferSql, connection);
            defer.Parameters.Add(new NpgsqlParameter<long> { TypedValue = message.Sequence });
            defer.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = delay });
            defer.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresText.WithoutNul(reason) });
            await defer.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && PostgresErrors.IsUnavailable(exception))
        {
            await DropConnectionAsync().ConfigureAwait(false);
            throw _database.Unavailable(exception);
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> RetryDeferredNowAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureComponentAsync(PostgresSchema.OutboxComponent, cancellationToken).ConfigureAwait(false);
        await using NpgsqlConnection connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        var release = new NpgsqlBatchCommand(_retryNowSql);
        batch.BatchCommands.Add(release);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {OutboxSql.ChannelOf(_database.Schema)}"));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return release.RecordsAffected;
    }

    /// <inheritdoc />
    public async ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            NpgsqlConnection connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

            // A NOTIFY that arrived while a claim or a delete ran was delivered then: it counts, or the relay would sleep past it.
            if (Interlocked.Exchange(ref _notified, 0) == 0)
            {
                await connection.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref _notified, 0);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException && PostgresErrors.IsUnavailable(exception))
        {
            await DropConnectionAsync().ConfigureAwait(false);
            throw _database.Unavailable(exception);
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureComponentAsync(PostgresSchema.OutboxComponent, cancellationToken).ConfigureAwait(false);
        await using NpgsqlConnection connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {_database.Schema}.outbox", connection);
        return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Closes the relay's connection (its partitions go to the other relays) and lets go of the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DropConnectionAsync().ConfigureAwait(false);
        await _database.ReleaseAsync().ConfigureAwait(false);
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { FullState: System.Data.ConnectionState.Open } open)
        {
            return open;
        }

        await DropConnectionAsync().ConfigureAwait(false);
        await _database.EnsureComponentAsync(PostgresSchema.OutboxComponent, cancellationToken).ConfigureAwait(false);
        NpgsqlConnection connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        connection.Notification += (_, _) => Volatile.Write(ref _notified, 1);
        try
        {
            // The schema's partition count, fixed when the table was created, wins over this process's setting.
            await using (var settings = new NpgsqlCommand($"SELECT partitions FROM {_database.Schema}.outbox_settings WHERE id = 1", connection))
            {
                _partitions = (int)(await settings.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            await using var join = new NpgsqlBatch(connection);
            join.BatchCommands.Add(new NpgsqlBatchCommand($"LISTEN {OutboxSql.ChannelOf(_database.Schema)}"));
            var present = new NpgsqlBatchCommand("SELECT pg_advisory_lock_shared($1, $2)");
            present.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _lockSpace });
            present.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _partitions });
            join.BatchCommands.Add(present);
            await join.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _connection = connection;
        return connection;
    }

    /// <summary>Keeps this relay's fair share of the partitions: gives back extras, takes free ones.</summary>
    private async Task RebalanceAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        _lastRebalance = _time.GetTimestamp();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND classid = $1::oid AND objid = $2::oid AND objsubid = 2 AND granted",
            connection);
        count.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _lockSpace });
        count.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _partitions });
        long relays = Math.Max(1, (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
        int share = (int)((_partitions + relays - 1) / relays);

        foreach (int partition in _owned.Order().Skip(share).ToArray())
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", connection);
            unlock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _lockSpace });
            unlock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            await unlock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            _owned.Remove(partition);
        }

        // Start the search at a different partition per relay, so relays starting together do not all race for the same ones.
        int start = Environment.ProcessId + GetHashCode();
        for (int i = 0; i < _partitions && _owned.Count < share; i++)
        {
            int partition = (int)((uint)(start + i) % (uint)_partitions);
            if (_owned.Contains(partition))
            {
                continue;
            }

            await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", connection);
            tryLock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _lockSpace });
            tryLock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            if ((bool)(await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                _owned.Add(partition);
            }
        }
    }

    private async Task DropConnectionAsync()
    {
        NpgsqlConnection? connection = _connection;
        _connection = null;
        _owned.Clear();
        _lastRebalance = long.MinValue;
        if (connection is not null)
        {
            try
            {
                // A pooled connection keeps its session (and so its locks) until the pool reuses it: give the partitions back now.
                if (connection.FullState == System.Data.ConnectionState.Open)
                {
                    await using var release = new NpgsqlBatch(connection);
                    release.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_unlock_all()"));
                    release.BatchCommands.Add(new NpgsqlBatchCommand("UNLISTEN *"));
                    await release.ExecuteNonQueryAsync().ConfigureAwait(false);
                }

                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A broken connection: its locks died with it.
            }
        }
    }

    /// <summary>FNV-1a over the schema name: the same in every process (string.GetHashCode is randomized per process).</summary>
    private static uint StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }
}
