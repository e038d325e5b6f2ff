using System.Globalization;
using EventDriven.Sagas;
using EventDriven.Sqlite.Writing;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Sagas;

/// <summary>The saga table, created by <see cref="SqliteSchema.EnsureComponent"/> in the database it shares with the event store.</summary>
internal static class SagaSchema
{
    public const string Component = "sagas";

    public const int Version = 1;

    // WITHOUT ROWID: the table is its primary-key index, so loading an instance is one b-tree search and a save writes one b-tree.
    // status is the SagaStatus number (0 running, 1 completed, 2 compensated); timeout_at and updated_at are UTC ticks, as in the
    // events table; state is the runtime's UTF-8 JSON document (user state + journal). The two partial indexes hold running
    // instances only, so what a restart reads (open instances, due timeouts) does not grow with the finished history.
    public const string CreateSql = """
        CREATE TABLE sagas (
            saga_type       TEXT    NOT NULL,
            correlation_id  TEXT    NOT NULL,
            revision        INTEGER NOT NULL,
            status          INTEGER NOT NULL,
            state           BLOB    NOT NULL,
            timeout_at      INTEGER,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (saga_type, correlation_id)
        ) WITHOUT ROWID;
        CREATE INDEX sagas_open ON sagas (saga_type) WHERE status = 0;
        CREATE INDEX sagas_timeouts ON sagas (saga_type, timeout_at) WHERE status = 0 AND timeout_at IS NOT NULL;
        """;

    public const string InsertSql = """
        INSERT INTO sagas (saga_type, correlation_id, revision, status, state, timeout_at, updated_at)
        VALUES ($saga_type, $correlation_id, $revision, $status, $state, $timeout_at, $updated_at)
        ON CONFLICT (saga_type, correlation_id) DO NOTHING
        """;

    public const string UpdateSql = """
        UPDATE sagas SET revision = $revision, status = $status, state = $state, timeout_at = $timeout_at, updated_at = $updated_at
        WHERE saga_type = $saga_type AND correlation_id = $correlation_id AND revision = $expected
        """;

    public const string RevisionSql = "SELECT revision FROM sagas WHERE saga_type = $saga_type AND correlation_id = $correlation_id";

    public const string LoadSql = """
        SELECT correlation_id, revision, status, state, timeout_at, updated_at FROM sagas
        WHERE saga_type = $saga_type AND correlation_id = $correlation_id
        """;

    public const string OpenSql = """
        SELECT correlation_id, revision, status, state, timeout_at, updated_at FROM sagas
        WHERE saga_type = $saga_type AND status = 0
        """;

    public const string DueSql = """
        SELECT correlation_id, revision, status, state, timeout_at, updated_at FROM sagas
        WHERE saga_type = $saga_type AND status = 0 AND timeout_at IS NOT NULL AND timeout_at <= $due
        ORDER BY timeout_at LIMIT $max
        """;

    /// <summary>
    /// Writes <paramref name="record"/> in the writer's open transaction if the stored revision is <paramref name="expectedRevision"/>
    /// (0: no row yet); otherwise writes nothing and throws <see cref="SagaConcurrencyException"/>.
    /// </summary>
    public static void Save(SqliteWriter writer, SagaRecord record, long expectedRevision)
    {
        SqliteCommand write = writer.Commands.Get(expectedRevision == 0 ? InsertSql : UpdateSql, writer.Transaction);
        SqliteCommandCache.Set(write, "$saga_type", record.SagaType);
        SqliteCommandCache.Set(write, "$correlation_id", record.CorrelationId);
        SqliteCommandCache.Set(write, "$revision", record.Revision);
        SqliteCommandCache.Set(write, "$status", (int)record.Status);
        SqliteCommandCache.Set(write, "$state", record.Data);
        SqliteCommandCache.Set(write, "$timeout_at", record.TimeoutAt is { } at ? at.UtcTicks : null);
        SqliteCommandCache.Set(write, "$updated_at", record.UpdatedAt.UtcTicks);
        if (expectedRevision != 0)
        {
            SqliteCommandCache.Set(write, "$expected", expectedRevision);
        }

        if (write.ExecuteNonQuery() == 0)
        {
            SqliteCommand revision = writer.Commands.Get(RevisionSql, writer.Transaction);
            SqliteCommandCache.Set(revision, "$saga_type", record.SagaType);
            SqliteCommandCache.Set(revision, "$correlation_id", record.CorrelationId);
            long? actual = revision.ExecuteScalar() is { } stored ? Convert.ToInt64(stored, CultureInfo.InvariantCulture) : null;
            throw new SagaConcurrencyException(record.SagaType, record.CorrelationId, expectedRevision, actual);
        }
    }
}
