using EventDriven.Sagas;
using EventDriven.Sagas.Storage;
using Npgsql;

namespace EventDriven.PostgreSql.Sagas;

/// <summary>
/// The saga saves of one group, written with two statements just before the commit (one insert of the new instances, one update of
/// the others checked against the revision each expected), instead of one round trip per save. A save its statement did not write
/// (another process got there first) fails alone with <see cref="SagaConcurrencyException"/>; the rest of the group commits.
/// </summary>
/// <remarks>Saves of one instance queued together collapse before they reach the writer (<see cref="SagaSaveQueue"/>), so each instance is here once.</remarks>
internal sealed class SagaSaves(string schema)
{
    private readonly string _insertSql = $"""
        INSERT INTO {schema}.sagas (saga_type, correlation_id, revision, status, state, timeout_at, updated_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[], $5::bytea[], $6::timestamptz[], $7::timestamptz[])
        ON CONFLICT (saga_type, correlation_id) DO NOTHING
        RETURNING saga_type, correlation_id
        """;

    private readonly string _updateSql = $"""
        UPDATE {schema}.sagas AS s
        SET revision = u.revision, status = u.status, state = u.state, timeout_at = u.timeout_at, updated_at = u.updated_at
        FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[], $5::bytea[], $6::timestamptz[], $7::timestamptz[], $8::bigint[])
            AS u (saga_type, correlation_id, revision, status, state, timeout_at, updated_at, expected)
        WHERE s.saga_type = u.saga_type AND s.correlation_id = u.correlation_id AND s.revision = u.expected
        RETURNING s.saga_type, s.correlation_id
        """;

    private readonly string _revisionsSql = $"""
        SELECT s.saga_type, s.correlation_id, s.revision FROM {schema}.sagas AS s
        JOIN unnest($1::text[], $2::text[]) AS k (saga_type, correlation_id) ON s.saga_type = k.saga_type AND s.correlation_id = k.correlation_id
        """;

    private readonly List<(PendingSagaSave Save, SagaRecord Record)> _inserts = [];
    private readonly List<(PendingSagaSave Save, SagaRecord Record)> _updates = [];
    private readonly HashSet<(string, string)> _written = [];

    public int Count => _inserts.Count + _updates.Count;

    /// <summary>Takes the save's record for this group's statements.</summary>
    public void Add(PendingSagaSave save)
    {
        SagaRecord record = save.TakeForWriting();
        (save.ExpectedRevision == 0 ? _inserts : _updates).Add((save, record));
    }

    /// <summary>Adds the insert and the update to <paramref name="batch"/> (each only when it has rows); returns how many result sets they add.</summary>
    public int AddWrites(NpgsqlBatch batch)
    {
        int sets = 0;
        if (_inserts.Count > 0)
        {
            batch.BatchCommands.Add(Command(_insertSql, _inserts, withExpected: false));
            sets++;
        }

        if (_updates.Count > 0)
        {
            batch.BatchCommands.Add(Command(_updateSql, _updates, withExpected: true));
            sets++;
        }

        return sets;
    }

    /// <summary>Reads one returned result set (the reader at it): those saves were written.</summary>
    public void ReadWritten(NpgsqlDataReader reader)
    {
        while (reader.Read())
        {
            _written.Add((reader.GetString(0), reader.GetString(1)));
        }
    }

    /// <summary>
    /// After the commit: fails each save its statement did not write, naming the revision the instance has now (read here, on
    /// <paramref name="connection"/>, only when there is a conflict).
    /// </summary>
    public void FailConflicts(NpgsqlConnection connection)
    {
        List<(PendingSagaSave Save, SagaRecord Record)>? conflicts = null;
        foreach ((PendingSagaSave save, SagaRecord record) in _inserts.Concat(_updates))
        {
            if (!_written.Contains((record.SagaType, record.CorrelationId)))
            {
                (conflicts ??= []).Add((save, record));
            }
        }

        if (conflicts is null)
        {
            return;
        }

        var actual = new Dictionary<(string, string), long>();
        try
        {
            using var read = new NpgsqlCommand(_revisionsSql, connection);
            read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. conflicts.Select(c => c.Record.SagaType)] });
            read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. conflicts.Select(c => c.Record.CorrelationId)] });
            using NpgsqlDataReader reader = read.ExecuteReader();
            while (reader.Read())
            {
                actual[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or IOException)
        {
            // The group is committed: the conflict stands without the number, which is only for the message.
        }

        foreach ((PendingSagaSave save, SagaRecord record) in conflicts)
        {
            long? now = actual.TryGetValue((record.SagaType, record.CorrelationId), out long revision) ? revision : null;
            save.Fail(new SagaConcurrencyException(record.SagaType, record.CorrelationId, save.ExpectedRevision, now));
        }
    }

    public void Clear()
    {
        _inserts.Clear();
        _updates.Clear();
        _written.Clear();
    }

    private static NpgsqlBatchCommand Command(string sql, List<(PendingSagaSave Save, SagaRecord Record)> saves, bool withExpected)
    {
        var command = new NpgsqlBatchCommand(sql);
        NpgsqlParameterCollection p = command.Parameters;
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. saves.Select(s => s.Record.SagaType)] });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. saves.Select(s => s.Record.CorrelationId)] });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. saves.Select(s => s.Record.Revision)] });
        p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. saves.Select(s => (int)s.Record.Status)] });
        p.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. saves.Select(s => s.Record.Data)] });
        p.Add(new NpgsqlParameter<DateTime?[]> { TypedValue = [.. saves.Select(s => s.Record.TimeoutAt?.UtcDateTime)] });
        p.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. saves.Select(s => s.Record.UpdatedAt.UtcDateTime)] });
        if (withExpected)
        {
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. saves.Select(s => s.Save.ExpectedRevision)] });
        }

        return command;
    }
}
