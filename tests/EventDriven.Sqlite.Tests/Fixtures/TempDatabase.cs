using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Tests.Fixtures;

/// <summary>A database path in a fresh temporary folder, deleted (with its -wal and -shm files) on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly string _folder;

    public TempDatabase()
    {
        _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eventdriven-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        Path = System.IO.Path.Combine(_folder, "events.db");
    }

    public string Path { get; }

    /// <summary>A connection of its own to the file, for raw SQL: what another process, or a corrupting hand, would do.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        // No SqliteConnection.ClearAllPools() here: it is process-wide, and clearing while another test class (running in parallel)
        // takes a pooled connection disposed that connection's handle under it (ObjectDisposedException: 'SQLitePCL.sqlite3', seen
        // under load). Each store clears its own pool when it is disposed; on Linux an open handle does not stop the delete anyway.
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A handle still open somewhere; the OS temp cleaner takes it.
        }
    }
}
