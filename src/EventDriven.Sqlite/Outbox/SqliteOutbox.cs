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
    private FileStream? _relayLock;
    private int _disposed;

    /// <summary>Opens the outbox of <see cref="SqliteStoreOptions.DatabasePath"/>, creating the file and its table when missing.</summary>
    /// <exception cref="IncompatibleDatabaseException">The file is not an EventDriven database, or its outbox table is newer than this library.</exception>
    public SqliteOutbox(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
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
        claim.CommandText = $"SELECT {OutboxSchema.Columns} FROM outbox ORDER BY sequence LIMIT $max";
        claim.Parameters.Add("$max", SqliteType.Integer).Value = max;
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
                new DateTimeOffset(reader.GetInt64(8), TimeSpan.Zero)));
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

        long first = batch[0].Sequence;
        long last = batch[count - 1].Sequence;
        await _database.WriteAsync(
            writer =>
            {
                SqliteCommand delete = writer.Commands.Get("DELETE FROM outbox WHERE sequence BETWEEN $first AND $last", writer.Transaction);
                Writing.SqliteCommandCache.Set(delete, "$first", first);
                Writing.SqliteCommandCache.Set(delete, "$last", last);
                return delete.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
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
