using EventDriven.Outbox;
using EventDriven.Store.GroupCommit;
using EventDriven.Sqlite.Writing;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// One SQLite file as the stores of this process share it: its single <see cref="SqliteWriter"/> (one write connection, one
/// group-commit thread), the connection strings of its readers, and the creation of each component's tables.
/// </summary>
/// <remarks>
/// <para>
/// Every <see cref="SqliteEventStore"/>, <see cref="SqliteInbox"/>, <see cref="SqliteSagaStore"/> and
/// <see cref="SqliteDeadLetterStore"/> opened on the same file with the same write settings (durability, busy timeout, group size)
/// shares one instance, counted by <see cref="Acquire"/> and <see cref="ReleaseAsync"/>: their writes commit together, they do not
/// compete for the file's write lock, and a unit of work can span them. Opened with other settings, a store gets a database (and
/// a writer) of its own; that is still safe, as for another process, because SQLite's lock serializes the writers and the
/// appender re-reads stream heads after another connection's commit.
/// </para>
/// <para>
/// <c>PRAGMA synchronous</c> and <c>busy_timeout</c> belong to a connection, not to the file; the writer's connection has both set.
/// Readers are pooled and only read.
/// </para>
/// </remarks>
internal sealed class SqliteDatabase
{
    private static readonly Dictionary<Key, SqliteDatabase> s_open = [];
    private static readonly Lock s_openGate = new();

    private readonly Key _key;
    private readonly string _dedicatedConnectionString;
    private readonly string _readerConnectionString;
    private readonly string _dedicatedReaderConnectionString;
    private readonly SqliteSynchronous _synchronous;
    private readonly TimeSpan _busyTimeout;
    private readonly HashSet<string> _components = new(StringComparer.Ordinal);
    private int _users;

    private SqliteDatabase(Key key, SqliteStoreOptions options)
    {
        _key = key;
        DatabasePath = key.Path;
        _synchronous = options.Synchronous;
        _busyTimeout = options.BusyTimeout;

        // Microsoft.Data.Sqlite retries a busy command until this many seconds pass, and 0 means "forever": at least 1, so a
        // BusyTimeout of zero fails (after that one second) instead of hanging behind another process's write lock.
        int timeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        string ConnectionString(SqliteOpenMode mode, bool pooling) => new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = mode,
            Pooling = pooling,
            DefaultTimeout = timeoutSeconds,
        }.ToString();

        // The writer and the schema connections may create the file; readers only open it. Only readers are pooled.
        _dedicatedConnectionString = ConnectionString(SqliteOpenMode.ReadWriteCreate, pooling: false);
        _readerConnectionString = ConnectionString(SqliteOpenMode.ReadWrite, pooling: true);
        _dedicatedReaderConnectionString = ConnectionString(SqliteOpenMode.ReadWrite, pooling: false);

        SqliteConnection connection = OpenClaimed();
        try
        {
            ApplyWriterSettings(connection);
            Writer = new SqliteWriter(connection, options.MaxBatchSize, DatabasePath);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The file's one writer: everything written to the file by this process's stores goes through it.</summary>
    public SqliteWriter Writer { get; }

    /// <summary>
    /// The database for <paramref name="options"/>' file and write settings, opened (the file claimed) when no store of this process
    /// has it open yet, with <paramref name="component"/>'s tables created when missing. Pair every call with one <see cref="ReleaseAsync"/>.
    /// </summary>
    /// <exception cref="IncompatibleDatabaseException">Not an EventDriven database, or its tables for the component are newer than this library.</exception>
    public static SqliteDatabase Acquire(SqliteStoreOptions options, string component, int version, string createSql)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var key = new Key(Path.GetFullPath(options.DatabasePath), options.Synchronous, options.BusyTimeout, options.MaxBatchSize);
        SqliteDatabase database;
        lock (s_openGate)
        {
            if (!s_open.TryGetValue(key, out database!))
            {
                database = new SqliteDatabase(key, options);
                s_open.Add(key, database);
            }

            database._users++;
        }

        try
        {
            database.EnsureComponent(component, version, createSql);
            return database;
        }
        catch
        {
            database.ReleaseAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>
    /// Waits until everything queued so far has been committed; the last user of the database also stops the writer (after it has
    /// committed what is queued) and closes the pooled readers, so the file can be moved or deleted.
    /// </summary>
    public async ValueTask ReleaseAsync()
    {
        var barrier = new SqliteBarrierItem();
        if (Writer.TryEnqueue(barrier))
        {
            await barrier.Task.ConfigureAwait(false);
        }

        bool last;
        lock (s_openGate)
        {
            last = --_users == 0;
            if (last)
            {
                s_open.Remove(_key);
            }
        }

        if (last)
        {
            Writer.Close();
            await Writer.Stopped.ConfigureAwait(false);
            using var connection = new SqliteConnection(_readerConnectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    /// <summary>
    /// Makes the writer add an outbox row for every appended event <paramref name="outbox"/> includes, creating the outbox table
    /// when missing. Every store of the file must agree on the included types: the writer is shared.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another store of this file in this process includes other event types.</exception>
    public void EnableOutbox(OutboxOptions outbox)
    {
        EnsureComponent(Outbox.OutboxSchema.Component, Outbox.OutboxSchema.Version, Outbox.OutboxSchema.CreateSql);
        lock (_components)
        {
            if (Writer.Outbox is { } current && !ReferenceEquals(current, outbox)
                && (current.IncludesAll != outbox.IncludesAll || !current.EventTypes.ToHashSet(StringComparer.Ordinal).SetEquals(outbox.EventTypes)))
            {
                throw new InvalidOperationException(
                    $"Two stores of '{DatabasePath}' in this process include different event types in the outbox ({Describe(current)} and {Describe(outbox)}); give every store of the file the same SqliteStoreOptions.Outbox.");
            }

            Writer.Outbox ??= outbox;
        }
    }

    private static string Describe(OutboxOptions outbox)
        => outbox.IncludesAll ? "every type" : string.Join(", ", outbox.EventTypes.Order(StringComparer.Ordinal));

    /// <summary>Queues <paramref name="item"/> for the writer's next group.</summary>
    /// <exception cref="ObjectDisposedException">The database is closed.</exception>
    public void Enqueue(GroupCommitItem item)
    {
        if (!Writer.TryEnqueue(item))
        {
            throw new ObjectDisposedException(nameof(SqliteDatabase), $"The database '{DatabasePath}' is closed.");
        }
    }

    /// <summary>Runs <paramref name="write"/> on the writer's connection in the next group (in a savepoint of its own); completes after the commit.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteWriter, T> write, CancellationToken cancellationToken)
    {
        var item = new SqliteDelegateItem<T>(write, cancellationToken);
        Enqueue(item);
        return item.Task;
    }

    /// <summary>Completes once everything queued before the call has been committed (or has failed).</summary>
    public Task FlushAsync()
    {
        var barrier = new SqliteBarrierItem();
        Enqueue(barrier);
        return barrier.Task;
    }

    /// <summary>A pooled connection that only reads (WAL lets it read while the writer commits).</summary>
    public async ValueTask<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_readerConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A reader connection of the caller's own, not pooled (for a prepared query run from many threads under a lock).</summary>
    public SqliteConnection OpenDedicatedReader()
    {
        var connection = new SqliteConnection(_dedicatedReaderConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Settings of the writer's connection, measured (benchmarks/README.md, "Event store (SQLite)"). Random event ids scatter each
    /// group's inserts over the whole event-id index, so a commit writes about one WAL page per event for that index alone, and each
    /// checkpoint copies those pages into the database. Checkpointing every 65,536 WAL pages (256 MiB) instead of SQLite's 1,000
    /// lets a page rewritten by many commits be copied once: about twice the events per second once the store holds a million
    /// events. The WAL file is truncated back to 64 MiB after each checkpoint; a 64 MiB page cache keeps the indexes' hot pages.
    /// </summary>
    private static void ApplyWriterSettings(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 65536; PRAGMA journal_size_limit = 67108864";
        command.ExecuteNonQuery();
    }

    /// <summary>A connection of its own, not pooled: the file claimed as an EventDriven database (WAL, durability, busy timeout set).</summary>
    private SqliteConnection OpenClaimed()
    {
        var connection = new SqliteConnection(_dedicatedConnectionString);
        try
        {
            SqliteSchema.Open(connection, DatabasePath, _synchronous, _busyTimeout);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the component's tables when missing (once per database; on a short-lived connection, before any of its writes are
    /// queued), and refuses tables newer than <paramref name="version"/> with <see cref="IncompatibleDatabaseException"/>.
    /// </summary>
    public void EnsureComponent(string component, int version, string createSql)
    {
        lock (_components)
        {
            if (_components.Contains(component))
            {
                return;
            }

            using SqliteConnection connection = OpenClaimed();
            SqliteSchema.EnsureComponent(connection, DatabasePath, component, version, createSql);
            _components.Add(component);
        }
    }

    private readonly record struct Key(string Path, SqliteSynchronous Synchronous, TimeSpan BusyTimeout, int MaxBatchSize);
}
