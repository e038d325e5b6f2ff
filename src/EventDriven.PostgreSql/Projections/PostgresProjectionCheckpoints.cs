using EventDriven.Projections;
using Npgsql;

namespace EventDriven.PostgreSql.Projections;

/// <summary>
/// Projection checkpoints in the store's PostgreSQL schema (table <c>projection_checkpoints</c>), committed in the same transaction as
/// the projection's writes. The batch locks its checkpoint row first, so two runners of one projection (two processes) commit one
/// batch at a time and never the same one twice.
/// </summary>
/// <remarks>
/// A runner following <c>PostgresEventStore.ReadAllAsync</c> never skips an event committed late: the store hands out positions in
/// commit order (see <c>docs/postgresql.md</c>), so no event can commit later with a position below one already read.
/// </remarks>
public sealed class PostgresProjectionCheckpoints : IProjectionCheckpoints<PostgresProjectionWriter>, IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private readonly string _ensureRowSql;
    private readonly string _lockSql;
    private readonly string _readSql;
    private readonly string _updateSql;
    private int _disposed;

    /// <summary>Opens the checkpoints on the server and schema of <paramref name="options"/>; the table is created at the first call when missing.</summary>
    public PostgresProjectionCheckpoints(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _database = PostgresDatabase.Acquire(options);
        string s = _database.Schema;
        _ensureRowSql = $"INSERT INTO {s}.projection_checkpoints (projection, position, updated_at) VALUES ($1, 0, now()) ON CONFLICT (projection) DO NOTHING";
        _lockSql = $"SELECT position FROM {s}.projection_checkpoints WHERE projection = $1 FOR UPDATE";
        _readSql = $"SELECT position FROM {s}.projection_checkpoints WHERE projection = $1";
        _updateSql = $"UPDATE {s}.projection_checkpoints SET position = $2, updated_at = now() WHERE projection = $1";
    }

    /// <inheritdoc />
    /// <exception cref="PostgresUnavailableException">The server cannot be reached or refused the login.</exception>
    public async ValueTask<long> LoadAsync(string projection, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _database.EnsureComponentAsync(PostgresSchema.ProjectionsComponent, cancellationToken).ConfigureAwait(false);
        return await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                await using var read = new NpgsqlCommand(_readSql, connection);
                read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
                return await read.ExecuteScalarAsync(ct).ConfigureAwait(false) is long position ? position : 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One transaction: the checkpoint row is locked (<c>FOR UPDATE</c>) and checked, the work runs (its queued statements and the
    /// checkpoint update then go in one round trip), and the transaction commits. <paramref name="work"/> runs synchronously.
    /// </remarks>
    /// <exception cref="PostgresUnavailableException">The server cannot be reached, or the connection broke; nothing was committed.</exception>
    public async ValueTask CommitAsync(string projection, long expected, long checkpoint, Action<PostgresProjectionWriter> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfNegative(checkpoint);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _database.EnsureComponentAsync(PostgresSchema.ProjectionsComponent, cancellationToken).ConfigureAwait(false);
        await _database.WithConnectionAsync(
            async (connection, ct) =>
            {
                await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    batch.BatchCommands.Add(Command(_ensureRowSql, projection));
                    batch.BatchCommands.Add(Command(_lockSql, projection));
                    long actual = await batch.ExecuteScalarAsync(ct).ConfigureAwait(false) is long position ? position : 0;
                    if (actual != expected)
                    {
                        throw new ProjectionCheckpointConflictException(projection, expected, actual);
                    }
                }

                await using (var writes = new NpgsqlBatch(connection, transaction))
                {
                    var writer = new PostgresProjectionWriter(connection, transaction, writes, _database.Schema);
                    work(writer);
                    NpgsqlBatchCommand update = Command(_updateSql, projection);
                    update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint });
                    writes.BatchCommands.Add(update);
                    await writes.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lets go of the server (the last store of the schema in this process closes its data source).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _database.ReleaseAsync().ConfigureAwait(false);
        }
    }

    private static NpgsqlBatchCommand Command(string sql, string projection)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
        return command;
    }
}
