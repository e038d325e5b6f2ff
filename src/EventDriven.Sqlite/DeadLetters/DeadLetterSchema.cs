namespace EventDriven.Sqlite.DeadLetters;

/// <summary>The dead-letter table, created by <see cref="SqliteSchema.EnsureComponent"/> in the database it shares with the event store.</summary>
internal static class DeadLetterSchema
{
    public const string Component = "dead_letters";

    public const int Version = 1;

    // AUTOINCREMENT: an id is never reused after a delete, so an id an operator noted always names the same letter.
    // payload is NULL when the event could not be serialized (payload_error says why): the letter is still kept and listed.
    // Times are UTC ticks, event_id the 16-byte GUID, as in the events table. The partial index serves the default listing
    // (letters not re-driven yet) in id order.
    public const string CreateSql = """
        CREATE TABLE dead_letters (
            id                 INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id           BLOB    NOT NULL,
            event_type         TEXT    NOT NULL,
            schema_version     INTEGER NOT NULL,
            occurred_at        INTEGER NOT NULL,
            payload            BLOB,
            payload_error      TEXT,
            handler            TEXT    NOT NULL,
            exception_type     TEXT    NOT NULL,
            exception_message  TEXT    NOT NULL,
            exception_detail   TEXT    NOT NULL,
            attempts           INTEGER NOT NULL,
            failed_at          INTEGER NOT NULL,
            redriven_at        INTEGER,
            redrive_count      INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX dead_letters_pending ON dead_letters (id) WHERE redriven_at IS NULL;
        """;

    public const string Columns = "id, event_id, event_type, schema_version, occurred_at, payload, payload_error, handler, exception_type, exception_message, exception_detail, attempts, failed_at, redriven_at, redrive_count";

    public const string InsertSql = """
        INSERT INTO dead_letters (event_id, event_type, schema_version, occurred_at, payload, payload_error, handler, exception_type, exception_message, exception_detail, attempts, failed_at)
        VALUES ($event_id, $event_type, $schema_version, $occurred_at, $payload, $payload_error, $handler, $exception_type, $exception_message, $exception_detail, $attempts, $failed_at)
        """;

    public const string MarkRedrivenSql = "UPDATE dead_letters SET redriven_at = $now, redrive_count = redrive_count + 1 WHERE id = $id";

    public const string DeleteSql = "DELETE FROM dead_letters WHERE id = $id";
}
