using EventDriven.Serialization;
using EventDriven.Sqlite.Writing;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Outbox;

/// <summary>The outbox table, in the database it shares with the event store: rows written by the writer, read by <see cref="SqliteOutbox"/>.</summary>
internal static class OutboxSchema
{
    public const string Component = "outbox";

    public const int Version = 1;

    // retry_at (UTC ticks) is set on a message the broker refused: until then it and the later rows of its partition_key are not
    // claimed. AUTOINCREMENT: a sequence is never reused after the relay deleted the rows below it, so "relayed in sequence order" stays true
    // across restarts. There is one writer per file, so sequence order is commit order.
    public const string CreateSql = """
        CREATE TABLE outbox (
            sequence        INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id        BLOB    NOT NULL,
            event_type      TEXT    NOT NULL,
            schema_version  INTEGER NOT NULL,
            partition_key   TEXT    NOT NULL,
            occurred_at     INTEGER NOT NULL,
            causation_id    BLOB,
            correlation_id  BLOB,
            payload         BLOB    NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            retry_at        INTEGER,
            last_error      TEXT
        );
        CREATE INDEX outbox_deferred ON outbox (retry_at) WHERE retry_at IS NOT NULL;
        """;

    public const string Columns = "sequence, event_id, event_type, schema_version, payload, partition_key, correlation_id, causation_id, occurred_at, attempts";

    private const string InsertSql = """
        INSERT INTO outbox (event_id, event_type, schema_version, partition_key, occurred_at, causation_id, correlation_id, payload)
        VALUES ($event_id, $event_type, $schema_version, $partition_key, $occurred_at, $causation_id, $correlation_id, $payload)
        """;

    /// <summary>Adds one row in the writer's open transaction.</summary>
    public static void Insert(SqliteWriter writer, EventToAppend item, SerializedEvent serialized, string partitionKey)
    {
        SqliteCommand insert = writer.Commands.Get(InsertSql, writer.Transaction);
        SqliteCommandCache.Set(insert, "$event_id", item.Event.Id);
        SqliteCommandCache.Set(insert, "$event_type", serialized.EventType);
        SqliteCommandCache.Set(insert, "$schema_version", serialized.SchemaVersion);
        SqliteCommandCache.Set(insert, "$partition_key", partitionKey);
        SqliteCommandCache.Set(insert, "$occurred_at", item.Event.OccurredAt.UtcTicks);
        SqliteCommandCache.Set(insert, "$causation_id", item.CausationId);
        SqliteCommandCache.Set(insert, "$correlation_id", item.CorrelationId);
        SqliteCommandCache.Set(insert, "$payload", serialized.Payload);
        insert.ExecuteNonQuery();
        writer.OutboxWritten();
    }
}
