using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite;

/// <summary>
/// Turns one row of <c>events</c> into a <see cref="StoredEvent"/> without ever throwing for the row's content: a column that
/// cannot be read (a malformed id, text where a blob belongs, a null in a NOT NULL column written by hand) gets a default and is
/// named in <see cref="StoredEvent.Unreadable"/>, so the page goes on and the reader sees the bad row as a typed error.
/// </summary>
internal static class StoredEventRows
{
    /// <summary>The columns, in the order <see cref="Read"/> expects them.</summary>
    public const string Columns = "position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, causation_id, correlation_id, metadata, payload";

    public static StoredEvent Read(SqliteDataReader reader)
    {
        List<string>? unreadable = null;
        long position = Column(reader, 0, "position", ReadInteger, 0L, ref unreadable);
        string streamId = Column(reader, 1, "stream_id", static (r, i) => r.GetString(i), string.Empty, ref unreadable);
        long streamVersion = Column(reader, 2, "stream_version", ReadInteger, -1L, ref unreadable);
        Guid eventId = Column(reader, 3, "event_id", ReadGuid, Guid.Empty, ref unreadable);
        string eventType = Column(reader, 4, "event_type", static (r, i) => r.GetString(i), string.Empty, ref unreadable);
        int schemaVersion = Column(reader, 5, "schema_version", static (r, i) => checked((int)ReadInteger(r, i)), 0, ref unreadable);
        DateTimeOffset occurredAt = Column(reader, 6, "occurred_at", static (r, i) => new DateTimeOffset(ReadInteger(r, i), TimeSpan.Zero), default, ref unreadable);
        Guid? causationId = reader.IsDBNull(7) ? null : Column<Guid?>(reader, 7, "causation_id", static (r, i) => ReadGuid(r, i), null, ref unreadable);
        Guid? correlationId = reader.IsDBNull(8) ? null : Column<Guid?>(reader, 8, "correlation_id", static (r, i) => ReadGuid(r, i), null, ref unreadable);
        string? metadata = reader.IsDBNull(9) ? null : Column<string?>(reader, 9, "metadata", static (r, i) => r.GetString(i), null, ref unreadable);
        ReadOnlyMemory<byte> payload = reader.IsDBNull(10) ? ReadOnlyMemory<byte>.Empty : Column(reader, 10, "payload", ReadBlob, ReadOnlyMemory<byte>.Empty, ref unreadable);
        return new StoredEvent(position, streamId, streamVersion, eventId, eventType, schemaVersion, occurredAt, causationId, correlationId, metadata, payload)
        {
            Unreadable = unreadable is null ? null : string.Join("; ", unreadable),
        };
    }

    private static T Column<T>(SqliteDataReader reader, int ordinal, string name, Func<SqliteDataReader, int, T> read, T fallback, ref List<string>? unreadable)
    {
        try
        {
            if (reader.IsDBNull(ordinal))
            {
                throw new FormatException("NULL in a column that must hold a value");
            }

            return read(reader, ordinal);
        }
        catch (Exception exception) when (exception is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            (unreadable ??= []).Add(name + ": " + exception.Message);
            return fallback;
        }
    }

    /// <summary>A 16-byte blob, the layout the store writes; anything else is malformed (Microsoft.Data.Sqlite would parse text too).</summary>
    private static Guid ReadGuid(SqliteDataReader reader, int ordinal)
        => reader.GetValue(ordinal) switch
        {
            byte[] { Length: 16 } bytes => new Guid(bytes),
            byte[] bytes => throw new FormatException($"a {bytes.Length}-byte blob is not a 16-byte GUID"),
            string text when Guid.TryParse(text, out Guid parsed) => parsed, // what Microsoft.Data.Sqlite writes for a Guid parameter
            object other => throw new FormatException($"{Describe(other)} is not a 16-byte GUID"),
        };

    /// <summary>An INTEGER, strictly: SQLite would turn the text 'yesterday' into 0 without a word.</summary>
    private static long ReadInteger(SqliteDataReader reader, int ordinal)
        => reader.GetFieldType(ordinal) == typeof(long) // the value's own storage class; checked without boxing it
            ? reader.GetInt64(ordinal)
            : throw new FormatException($"{Describe(reader.GetValue(ordinal))} is not an INTEGER");

    private static ReadOnlyMemory<byte> ReadBlob(SqliteDataReader reader, int ordinal)
        => reader.GetValue(ordinal) is byte[] bytes ? bytes : throw new FormatException($"{Describe(reader.GetValue(ordinal))} where the payload blob belongs");

    /// <summary>The storage class SQLite gave the value, as its documentation names them.</summary>
    private static string Describe(object value) => value switch
    {
        string => "a TEXT value",
        long => "an INTEGER value",
        double => "a REAL value",
        _ => "a " + value.GetType().Name + " value",
    };
}
