using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EventDriven.Sqlite;

/// <summary>
/// One SQL statement prepared once on the writer's connection and run again and again with new values, through SQLite's own API:
/// parameters bound by position, values never boxed, rows read without a data-reader object.
/// </summary>
/// <remarks>
/// The writer's hot path runs a statement or two per event; ADO.NET's command objects would bind every parameter by name and box
/// every value on each run, which is most of the cost at tens of thousands of events a second. Errors surface as
/// <see cref="SqliteException"/>, as from Microsoft.Data.Sqlite itself. Not thread-safe: the writer thread alone uses it.
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[256];

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        ThrowOnError(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void Bind(int index, long value) => ThrowOnError(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, Guid value)
    {
        // The layout of Guid.ToByteArray, which is what Microsoft.Data.Sqlite writes and GetGuid reads back.
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes);
        ThrowOnError(raw.sqlite3_bind_blob(_statement, index, bytes));
    }

    public void Bind(int index, Guid? value)
    {
        if (value is { } guid)
        {
            Bind(index, guid);
        }
        else
        {
            BindNull(index);
        }
    }

    public void Bind(int index, ReadOnlySpan<byte> blob) => ThrowOnError(raw.sqlite3_bind_blob(_statement, index, blob));

    public void Bind(int index, string? text)
    {
        if (text is null)
        {
            BindNull(index);
            return;
        }

        // Encoded into a buffer kept for the next call: SQLite copies the bytes (SQLITE_TRANSIENT), so the buffer is free again at once.
        int length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (length > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        }

        int written = Encoding.UTF8.GetBytes(text, _utf8);
        ThrowOnError(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, written)));
    }

    public void BindNull(int index) => ThrowOnError(raw.sqlite3_bind_null(_statement, index));

    /// <summary>Runs a statement that returns no row; returns how many rows it changed.</summary>
    public int Execute()
    {
        try
        {
            int rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
            {
                ThrowOnError(rc);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs a query and reads the first two integer columns of its first row; false when it returns no row.</summary>
    public bool TryReadFirstRow(out long first, out long second)
    {
        try
        {
            int rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                first = raw.sqlite3_column_int64(_statement, 0);
                second = raw.sqlite3_column_count(_statement) > 1 ? raw.sqlite3_column_int64(_statement, 1) : 0;
                return true;
            }

            if (rc != raw.SQLITE_DONE)
            {
                ThrowOnError(rc);
            }

            first = 0;
            second = 0;
            return false;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void ThrowOnError(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
