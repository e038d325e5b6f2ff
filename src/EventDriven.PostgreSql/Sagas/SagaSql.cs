using EventDriven.Sagas;
using Npgsql;

namespace EventDriven.PostgreSql.Sagas;

/// <summary>The saga table's statements; a save is one statement (an insert for a new instance, a revision-checked update otherwise).</summary>
internal sealed class SagaSql(string schema)
{
    private const string Columns = "correlation_id, revision, status, state, timeout_at, updated_at";

    public string Insert { get; } = $"""
        INSERT INTO {schema}.sagas (saga_type, correlation_id, revision, status, state, timeout_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (saga_type, correlation_id) DO NOTHING
        """;

    public string Update { get; } = $"""
        UPDATE {schema}.sagas SET revision = $3, status = $4, state = $5, timeout_at = $6, updated_at = $7
        WHERE saga_type = $1 AND correlation_id = $2 AND revision = $8
        """;

    public string Revision { get; } = $"SELECT revision FROM {schema}.sagas WHERE saga_type = $1 AND correlation_id = $2";

    public string Load { get; } = $"SELECT {Columns} FROM {schema}.sagas WHERE saga_type = $1 AND correlation_id = $2";

    public string Open { get; } = $"SELECT {Columns} FROM {schema}.sagas WHERE saga_type = $1 AND status = 0";

    public string Due { get; } = $"""
        SELECT {Columns} FROM {schema}.sagas
        WHERE saga_type = $1 AND status = 0 AND timeout_at IS NOT NULL AND timeout_at <= $2
        ORDER BY timeout_at LIMIT $3
        """;

    /// <summary>Writes one save in a unit of work on the caller's connection; <see cref="SagaConcurrencyException"/> when the stored revision is another.</summary>
    public async ValueTask SaveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SagaRecord record, long expectedRevision, CancellationToken cancellationToken)
    {
        await using var write = new NpgsqlCommand(expectedRevision == 0 ? Insert : Update, connection, transaction);
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.SagaType });
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.CorrelationId });
        write.Parameters.Add(new NpgsqlParameter<long> { TypedValue = record.Revision });
        write.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)record.Status });
        write.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = record.Data });
        write.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = record.TimeoutAt?.UtcDateTime });
        write.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = record.UpdatedAt.UtcDateTime });
        if (expectedRevision != 0)
        {
            write.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedRevision });
        }

        if (await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            await using var revision = new NpgsqlCommand(Revision, connection, transaction);
            revision.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.SagaType });
            revision.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.CorrelationId });
            long? actual = await revision.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long stored ? stored : null;
            throw new SagaConcurrencyException(record.SagaType, record.CorrelationId, expectedRevision, actual);
        }
    }

    /// <summary>A record from a row of <see cref="Columns"/>.</summary>
    public static SagaRecord Read(NpgsqlDataReader row, string sagaType)
        => new(
            sagaType,
            row.GetString(0),
            row.GetInt64(1),
            (SagaStatus)row.GetInt32(2),
            row.GetFieldValue<byte[]>(3),
            row.IsDBNull(4) ? null : new DateTimeOffset(row.GetFieldValue<DateTime>(4), TimeSpan.Zero),
            new DateTimeOffset(row.GetFieldValue<DateTime>(5), TimeSpan.Zero));
}
