using EventDriven.Projections;
using EventDriven.Sqlite.Writing;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Projections;

/// <summary>
/// Projection checkpoints in a SQLite file, committed by the file's one writer in the same transaction as the projection's writes:
/// after a crash the read model and its checkpoint agree, whatever moment the process died at. The read model may live in the event
/// store's own file (the default with <c>AddEventDrivenSqlite</c>) or in a file of its own.
/// </summary>
public sealed class SqliteProjectionCheckpoints : IProjectionCheckpoints<SqliteProjectionWriter>, IAsyncDisposable
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private int _disposed;

    /// <summary>Opens (creating when missing) the checkpoint table of <paramref name="options"/>' database file.</summary>
    /// <param name="options">The file and its write settings; the same as the event store's to share its writer.</param>
    /// <param name="timeProvider">Stamps each checkpoint's <c>updated_at</c>; the system clock when null.</param>
    public SqliteProjectionCheckpoints(SqliteStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _database = SqliteDatabase.Acquire(options, ProjectionSchema.Component, ProjectionSchema.Version, ProjectionSchema.CreateSql);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <inheritdoc />
    public async ValueTask<long> LoadAsync(string projection, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await using SqliteConnection connection = await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand read = connection.CreateCommand();
        read.CommandText = ProjectionSchema.ReadSql;
        read.Parameters.Add("$projection", SqliteType.Text).Value = projection;
        return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : 0;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The work runs on the file's writer thread, in a savepoint of the writer's group transaction, while the file's write lock is held:
    /// the checkpoint is checked there, so two runners of one projection cannot both commit the same batch.
    /// </remarks>
    public ValueTask CommitAsync(string projection, long expected, long checkpoint, Action<SqliteProjectionWriter> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfNegative(checkpoint);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new ValueTask(_database.WriteAsync(
            writer =>
            {
                SqliteCommand read = writer.Commands.Get(ProjectionSchema.ReadSql, writer.Transaction);
                SqliteCommandCache.Set(read, "$projection", projection);
                long actual = read.ExecuteScalar() is long position ? position : 0;
                if (actual != expected)
                {
                    throw new ProjectionCheckpointConflictException(projection, expected, actual);
                }

                work(new SqliteProjectionWriter(writer));
                if (checkpoint != actual || expected == 0)
                {
                    SqliteCommand upsert = writer.Commands.Get(ProjectionSchema.UpsertSql, writer.Transaction);
                    SqliteCommandCache.Set(upsert, "$projection", projection);
                    SqliteCommandCache.Set(upsert, "$position", checkpoint);
                    SqliteCommandCache.Set(upsert, "$updated_at", _time.GetUtcNow().UtcTicks);
                    upsert.ExecuteNonQuery();
                }

                return true;
            },
            cancellationToken));
    }

    /// <summary>Waits for what is queued, then lets go of the file (the last user closes it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _database.ReleaseAsync().ConfigureAwait(false);
        }
    }
}
