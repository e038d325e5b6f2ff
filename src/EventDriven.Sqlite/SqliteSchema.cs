using System.Globalization;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// Opens a database file as an EventDriven database: recognises it, claims a new one, and creates or checks the tables of each
/// component (the event store now; the inbox, dead letters and saga state add theirs with <see cref="EnsureComponent"/>).
/// </summary>
/// <remarks>
/// An EventDriven database carries <see cref="ApplicationId"/> in its header (<c>PRAGMA application_id</c>), so a file of another
/// program is refused instead of being written into. Each component records its schema version in <c>eventdriven_schema</c>;
/// a version newer than this library knows is refused (an older library must not write a layout it does not understand), and an
/// older one is where a later migration will run.
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>"EvDr" in the database header: how an EventDriven database is told apart from any other SQLite file.</summary>
    public const int ApplicationId = 0x45764472;

    /// <summary>The component name and schema version of the event store's tables.</summary>
    public const string EventsComponent = "events";

    /// <inheritdoc cref="EventsComponent"/>
    public const int EventsVersion = 1;

    // Position is the rowid (INTEGER PRIMARY KEY): the table is clustered by it, so catch-up reads walk the file in order.
    // event_id is the 16-byte GUID; occurred_at is UTC ticks. The stream's head (its last version) is found through the
    // UNIQUE(stream_id, stream_version) index, so no separate bookkeeping table can drift from the events.
    public const string EventsTableSql = """
        CREATE TABLE events (
            position        INTEGER PRIMARY KEY,
            stream_id       TEXT    NOT NULL,
            stream_version  INTEGER NOT NULL,
            event_id        BLOB    NOT NULL UNIQUE,
            event_type      TEXT    NOT NULL,
            schema_version  INTEGER NOT NULL,
            occurred_at     INTEGER NOT NULL,
            causation_id    BLOB,
            correlation_id  BLOB,
            metadata        TEXT,
            payload         BLOB    NOT NULL,
            UNIQUE (stream_id, stream_version)
        );
        CREATE INDEX events_by_type ON events (event_type, position);
        """;

    /// <summary>
    /// Opens <paramref name="connection"/>, switches the file to the WAL journal and applies the connection's settings, and claims a
    /// new empty file as an EventDriven database. Throws <see cref="IncompatibleDatabaseException"/> for any other file.
    /// </summary>
    public static void Open(SqliteConnection connection, string databasePath, SqliteSynchronous synchronous, TimeSpan busyTimeout)
    {
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}");

            // The header is read by the first statement that touches the file: a file that is not SQLite fails here.
            string journal = Scalar<string>(connection, "PRAGMA journal_mode = WAL") ?? "";
            if (!string.Equals(journal, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new IncompatibleDatabaseException(databasePath, $"SQLite could not switch it to the WAL journal (it reports '{journal}'); the store needs a file on a local file system, not an in-memory database.");
            }

            Execute(connection, synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            InTransaction(connection, () => Claim(connection, databasePath));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 /* SQLITE_NOTADB */ or 11 /* SQLITE_CORRUPT */)
        {
            throw new IncompatibleDatabaseException(databasePath, $"it is not a SQLite database ({ex.Message}).", ex);
        }
    }

    /// <summary>
    /// Creates <paramref name="component"/>'s tables with <paramref name="createSql"/> if the database has none yet, and refuses a
    /// database whose tables for it are newer than <paramref name="version"/>.
    /// </summary>
    public static void EnsureComponent(SqliteConnection connection, string databasePath, string component, int version, string createSql)
    {
        InTransaction(connection, () =>
        {
            using SqliteCommand read = connection.CreateCommand();
            read.CommandText = "SELECT version FROM eventdriven_schema WHERE component = $component";
            read.Parameters.AddWithValue("$component", component);
            object? stored = read.ExecuteScalar();
            long? storedVersion = stored is null ? null : Convert.ToInt64(stored, CultureInfo.InvariantCulture);
            switch (SchemaVersions.Check(storedVersion, version))
            {
                case SchemaVersionCheck.Missing:
                    Execute(connection, createSql);
                    using (SqliteCommand write = connection.CreateCommand())
                    {
                        write.CommandText = "INSERT INTO eventdriven_schema (component, version) VALUES ($component, $version)";
                        write.Parameters.AddWithValue("$component", component);
                        write.Parameters.AddWithValue("$version", version);
                        write.ExecuteNonQuery();
                    }

                    return;
                case SchemaVersionCheck.Newer:
                    throw new IncompatibleDatabaseException(databasePath, SchemaVersions.NewerReason(component, storedVersion!.Value, version, "EventDriven.Sqlite"));
            }

            // Current, or Older: the place for migrations once a second schema version exists.
        });
    }

    private static void Claim(SqliteConnection connection, string databasePath)
    {
        long applicationId = Scalar<long>(connection, "PRAGMA application_id");
        if (applicationId == ApplicationId)
        {
            return;
        }

        long objects = Scalar<long>(connection, "SELECT count(*) FROM sqlite_master");
        if (applicationId != 0 || objects != 0)
        {
            string owner = applicationId != 0 ? $"its header names another application (application_id 0x{applicationId:x8})" : $"it already holds {objects} tables or indexes of another program";
            throw new IncompatibleDatabaseException(databasePath, $"{owner}. Give the store a file of its own.");
        }

        Execute(connection, $"PRAGMA application_id = {ApplicationId}");
        Execute(connection, "CREATE TABLE eventdriven_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
    }

    private static void InTransaction(SqliteConnection connection, Action body)
    {
        // IMMEDIATE takes the write lock first, so two processes opening a new file at once cannot both create the tables.
        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            body();
            Execute(connection, "COMMIT");
        }
        catch
        {
            // Some errors (a full disk, an I/O error) end the transaction themselves; a second rollback would hide the first error.
            if (IsInTransaction(connection))
            {
                Execute(connection, "ROLLBACK");
            }

            throw;
        }
    }

    /// <summary>Whether <paramref name="connection"/> has a transaction open (SQLite ends one by itself after some errors).</summary>
    public static bool IsInTransaction(SqliteConnection connection) => SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0;

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T? Scalar<T>(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        object? value = command.ExecuteScalar();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }
}
