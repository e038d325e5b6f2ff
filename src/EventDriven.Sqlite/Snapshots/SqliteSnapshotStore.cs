using EventDriven.Aggregates;
using EventDriven.Sqlite.Writing;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Snapshots;

/// <summary>
/// Aggregate snapshots in the event store's SQLite file (table <c>snapshots</c>, one row per stream, the latest kept), written by the
/// file's one writer. A snapshot is a cache: it is not in the transaction of the events it follows.
/// </summary>
public sealed class SqliteSnapshotStore : ISnapshotStore, IAsyncDisposable
{
    private readonly SqliteDatabase _database;
    private int _disposed;

    /// <summary>Opens (creating when missing) the snapshot table of <paramref name="options"/>' database file.</summary>
    public SqliteSnapshotStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _database = SqliteDatabase.Acquire(options, SnapshotSchema.Component, SnapshotSchema.Version, SnapshotSchema.CreateSql);
    }

    /// <inheritdoc />
    public async ValueTask<AggregateSnapshot?> LoadAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await using SqliteConnection connection = await _database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand read = connection.CreateCommand();
        read.CommandText = SnapshotSchema.ReadSql;
        read.Parameters.Add("$stream_id", SqliteType.Text).Value = streamId;
        await using SqliteDataReader row = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new AggregateSnapshot(
            streamId,
            row.GetString(0),
            row.GetInt32(1),
            row.GetInt64(2),
            (byte[])row.GetValue(3),
            new DateTimeOffset(row.GetInt64(4), TimeSpan.Zero));
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(AggregateSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        byte[] payload = snapshot.Payload.ToArray();
        return new ValueTask(_database.WriteAsync(
            writer =>
            {
                SqliteCommand upsert = writer.Commands.Get(SnapshotSchema.UpsertSql, writer.Transaction);
                SqliteCommandCache.Set(upsert, "$stream_id", snapshot.StreamId);
                SqliteCommandCache.Set(upsert, "$aggregate_type", snapshot.AggregateType);
                SqliteCommandCache.Set(upsert, "$schema_version", snapshot.SchemaVersion);
                SqliteCommandCache.Set(upsert, "$stream_version", snapshot.StreamVersion);
                SqliteCommandCache.Set(upsert, "$payload", payload);
                SqliteCommandCache.Set(upsert, "$taken_at", snapshot.TakenAt.UtcTicks);
                return upsert.ExecuteNonQuery();
            },
            cancellationToken));
    }

    /// <summary>Waits for what is queued, then lets go of the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _database.ReleaseAsync().ConfigureAwait(false);
        }
    }
}
