using EventDriven.Sqlite.Writing;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Inbox;

/// <summary>The inbox's table, created by <see cref="SqliteSchema.EnsureComponent"/> in the database it shares with the event store.</summary>
internal static class InboxSchema
{
    public const string Component = "inbox";

    public const int Version = 1;

    // WITHOUT ROWID: the table is the primary-key index itself, so the lookup every inbox handler makes per event is one b-tree
    // search, and a mark writes one b-tree instead of two. event_id is the 16-byte GUID and processed_at UTC ticks, as in the
    // events table. The processed_at index is what keeps a retention purge from scanning the whole table.
    public const string CreateSql = """
        CREATE TABLE inbox (
            consumer      TEXT    NOT NULL,
            event_id      BLOB    NOT NULL,
            processed_at  INTEGER NOT NULL,
            PRIMARY KEY (consumer, event_id)
        ) WITHOUT ROWID;
        CREATE INDEX inbox_by_processed_at ON inbox (processed_at);
        """;

    public const string ExistsSql = "SELECT 1 FROM inbox WHERE consumer = $consumer AND event_id = $event_id";

    public const string MarkSql = "INSERT INTO inbox (consumer, event_id, processed_at) VALUES ($consumer, $event_id, $processed_at) ON CONFLICT DO NOTHING";

    // In chunks: each chunk is its own short transaction, so marks waiting for the write lock wait for one chunk, not the purge.
    public const string PurgeChunkSql = """
        DELETE FROM inbox WHERE (consumer, event_id) IN (
            SELECT consumer, event_id FROM inbox WHERE processed_at < $before LIMIT $limit)
        """;

    /// <summary>Records the mark in the writer's open transaction; true when recorded now, false when it already was.</summary>
    public static bool Mark(SqliteWriter writer, string consumer, Guid eventId, DateTimeOffset processedAt)
    {
        SqliteCommand mark = writer.Commands.Get(MarkSql, writer.Transaction);
        SqliteCommandCache.Set(mark, "$consumer", consumer);
        SqliteCommandCache.Set(mark, "$event_id", eventId);
        SqliteCommandCache.Set(mark, "$processed_at", processedAt.UtcTicks);
        return mark.ExecuteNonQuery() == 1;
    }

    /// <summary>Whether the mark is recorded, as the writer's open transaction sees it.</summary>
    public static bool IsMarked(SqliteWriter writer, string consumer, Guid eventId)
    {
        SqliteCommand exists = writer.Commands.Get(ExistsSql, writer.Transaction);
        SqliteCommandCache.Set(exists, "$consumer", consumer);
        SqliteCommandCache.Set(exists, "$event_id", eventId);
        return exists.ExecuteScalar() is not null;
    }
}
