namespace EventDriven.Sqlite.Snapshots;

/// <summary>The aggregate snapshots' table: the latest snapshot of each stream, beside the events.</summary>
internal static class SnapshotSchema
{
    public const string Component = "snapshots";

    public const int Version = 1;

    public const string CreateSql = """
        CREATE TABLE snapshots (
            stream_id       TEXT    NOT NULL PRIMARY KEY,
            aggregate_type  TEXT    NOT NULL,
            schema_version  INTEGER NOT NULL,
            stream_version  INTEGER NOT NULL,
            payload         BLOB    NOT NULL,
            taken_at        INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    public const string ReadSql = "SELECT aggregate_type, schema_version, stream_version, payload, taken_at FROM snapshots WHERE stream_id = $stream_id";

    // A snapshot of an earlier version never replaces a later one (two savers racing, or an old process still running).
    public const string UpsertSql = """
        INSERT INTO snapshots (stream_id, aggregate_type, schema_version, stream_version, payload, taken_at)
        VALUES ($stream_id, $aggregate_type, $schema_version, $stream_version, $payload, $taken_at)
        ON CONFLICT (stream_id) DO UPDATE SET
            aggregate_type = excluded.aggregate_type, schema_version = excluded.schema_version,
            stream_version = excluded.stream_version, payload = excluded.payload, taken_at = excluded.taken_at
        WHERE excluded.stream_version >= snapshots.stream_version
        """;
}
