using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>
/// Turns one row of <c>events</c> into a <see cref="StoredEvent"/> without throwing for the row's content: a column that cannot be
/// read (a NULL written by hand into a column the store fills, a value of another type after a manual change) gets a default and is
/// named in <see cref="StoredEvent.Unreadable"/>, so the page goes on and the reader sees the bad row as a typed error.
/// </summary>
internal static class PostgresEventRows
{
    public static StoredEvent Read(NpgsqlDataReader reader)
    {
        // The common case, a sound row: typed reads without a per-column delegate or null check where the column cannot be NULL.
        // Anything unexpected falls back to the careful read, which names what it could not read.
        try
        {
            return new StoredEvent(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetGuid(3),
                reader.GetString(4),
                reader.GetInt32(5),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(6), TimeSpan.Zero),
                reader.IsDBNull(7) ? null : reader.GetGuid(7),
                reader.IsDBNull(8) ? null : reader.GetGuid(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetFieldValue<byte[]>(10));
        }
        catch (Exception exception) when (exception is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            return ReadCarefully(reader);
        }
    }

    private static StoredEvent ReadCarefully(NpgsqlDataReader reader)
    {
        List<string>? unreadable = null;
        long position = Column(reader, 0, "position", static (r, i) => r.GetInt64(i), 0L, ref unreadable);
        string streamId = Column(reader, 1, "stream_id", static (r, i) => r.GetString(i), string.Empty, ref unreadable);
        long streamVersion = Column(reader, 2, "stream_version", static (r, i) => r.GetInt64(i), -1L, ref unreadable);
        Guid eventId = Column(reader, 3, "event_id", static (r, i) => r.GetGuid(i), Guid.Empty, ref unreadable);
        string eventType = Column(reader, 4, "event_type", static (r, i) => r.GetString(i), string.Empty, ref unreadable);
        int schemaVersion = Column(reader, 5, "schema_version", static (r, i) => r.GetInt32(i), 0, ref unreadable);
        DateTimeOffset occurredAt = Column(reader, 6, "occurred_at", static (r, i) => new DateTimeOffset(r.GetFieldValue<DateTime>(i), TimeSpan.Zero), default, ref unreadable);
        Guid? causationId = reader.IsDBNull(7) ? null : Column<Guid?>(reader, 7, "causation_id", static (r, i) => r.GetGuid(i), null, ref unreadable);
        Guid? correlationId = reader.IsDBNull(8) ? null : Column<Guid?>(reader, 8, "correlation_id", static (r, i) => r.GetGuid(i), null, ref unreadable);
        string? metadata = reader.IsDBNull(9) ? null : Column<string?>(reader, 9, "metadata", static (r, i) => r.GetString(i), null, ref unreadable);
        ReadOnlyMemory<byte> payload = Column(reader, 10, "payload", static (r, i) => (ReadOnlyMemory<byte>)r.GetFieldValue<byte[]>(i), ReadOnlyMemory<byte>.Empty, ref unreadable);
        return new StoredEvent(position, streamId, streamVersion, eventId, eventType, schemaVersion, occurredAt, causationId, correlationId, metadata, payload)
        {
            Unreadable = unreadable is null ? null : string.Join("; ", unreadable),
        };
    }

    private static T Column<T>(NpgsqlDataReader reader, int ordinal, string name, Func<NpgsqlDataReader, int, T> read, T fallback, ref List<string>? unreadable)
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
}
