using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// How the inbox and the dead-letter store reach the database file they share with the event store: one dedicated connection
/// opened through <see cref="SqliteSchema"/> (which claims the file and creates a component's tables), and pooled connections for
/// everything else, each set to the configured durability before it writes.
/// </summary>
/// <remarks>
/// <c>PRAGMA synchronous</c> and <c>busy_timeout</c> belong to a connection, not to the file, and a pooled connection may have been
/// set differently by its last user, so <see cref="OpenPooledAsync"/> sets both again (one statement, microseconds) before a write.
/// </remarks>
internal sealed class SqliteConnections
{
    private readonly string _dedicatedConnectionString;
    private readonly string _pooledConnectionString;
    private readonly string _writeSettingsSql;
    private readonly SqliteSynchronous _synchronous;
    private readonly TimeSpan _busyTimeout;

    public SqliteConnections(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        _synchronous = options.Synchronous;
        _busyTimeout = options.BusyTimeout;

        // Microsoft.Data.Sqlite retries a busy command until this many seconds pass, and 0 means "forever": at least 1, so a
        // BusyTimeout of zero fails (after that one second) instead of hanging behind another process's write lock.
        int timeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        _dedicatedConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        _pooledConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        _writeSettingsSql = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA synchronous = {(_synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")}; PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// A connection of the caller's own, not pooled: the file claimed as an EventDriven database (WAL, durability, busy timeout set)
    /// and <paramref name="component"/>'s tables created when missing.
    /// </summary>
    /// <exception cref="IncompatibleDatabaseException">Not an EventDriven database, or its tables for the component are newer than this library.</exception>
    public SqliteConnection OpenDedicated(string component, int version, string createSql)
    {
        var connection = new SqliteConnection(_dedicatedConnectionString);
        try
        {
            SqliteSchema.Open(connection, DatabasePath, _synchronous, _busyTimeout);
            SqliteSchema.EnsureComponent(connection, DatabasePath, component, version, createSql);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A pooled connection; with <paramref name="forWriting"/>, set to the configured durability and busy timeout first.</summary>
    public async ValueTask<SqliteConnection> OpenPooledAsync(bool forWriting, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_pooledConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (forWriting)
            {
                using SqliteCommand settings = connection.CreateCommand();
                settings.CommandText = _writeSettingsSql;
                settings.ExecuteNonQuery();
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the idle pooled connections to the file, so it can be moved or deleted once its users are gone.</summary>
    public void ReleasePool()
    {
        using var connection = new SqliteConnection(_pooledConnectionString);
        SqliteConnection.ClearPool(connection);
    }
}
