using EventDriven.Outbox;
using Npgsql;

namespace EventDriven.PostgreSql.Outbox;

/// <summary>The outbox's statements, for one schema: the rows an append writes, a unit of work's send, the wake-up.</summary>
internal sealed class OutboxSql
{
    private readonly OutboxOptions _options;
    private readonly string[] _types;
    private readonly string _schema;

    public OutboxSql(string schema, OutboxOptions options)
    {
        _options = options;
        _types = [.. options.EventTypes];
        _schema = schema;
        Channel = ChannelOf(schema);
        CopySql = $"""
            INSERT INTO {schema}.outbox (partition, event_id, event_type, schema_version, partition_key, occurred_at, causation_id, correlation_id, payload)
            SELECT {PartitionOf("stream_id")}, event_id, event_type, schema_version, stream_id, occurred_at, causation_id, correlation_id, payload
            FROM {schema}.events WHERE position BETWEEN $1 AND $2 AND ($3 OR event_type = ANY($4)) ORDER BY position
            """;
        SendSql = $"""
            INSERT INTO {schema}.outbox (partition, event_id, event_type, schema_version, partition_key, occurred_at, causation_id, correlation_id, payload)
            VALUES ({PartitionOf("$4")}, $1, $2, $3, $4, $5, $6, $7, $8)
            """;
        NotifySql = $"NOTIFY {Channel}";
    }

    /// <summary>The LISTEN/NOTIFY channel of the schema's outbox.</summary>
    public string Channel { get; }

    /// <summary>Copies the included events of positions $1..$2 (just inserted by this transaction) into the outbox.</summary>
    public string CopySql { get; }

    /// <summary>One row for a unit of work's Send.</summary>
    public string SendSql { get; }

    /// <summary>Wakes every relay listening on the channel when (and only if) the transaction commits.</summary>
    public string NotifySql { get; }

    /// <summary>Whether the rows written follow the same settings.</summary>
    public bool SameAs(OutboxOptions options)
        => options.IncludesAll == _options.IncludesAll && options.EventTypes.ToHashSet(StringComparer.Ordinal).SetEquals(_types);

    /// <summary>Whether any of the event types in <paramref name="eventTypes"/> is included.</summary>
    public bool IncludesAny(IReadOnlyList<string> eventTypes)
    {
        for (int i = 0; i < eventTypes.Count; i++)
        {
            if (_options.Includes(eventTypes[i]))
            {
                return true;
            }
        }

        return false;
    }

    public static string ChannelOf(string schema) => "eventdriven_outbox_" + schema;

    /// <summary>Adds the copy of positions <paramref name="first"/>..<paramref name="last"/> and the wake-up to <paramref name="batch"/>.</summary>
    public void AddCopy(NpgsqlBatch batch, long first, long last)
    {
        var copy = new NpgsqlBatchCommand(CopySql);
        BindCopy(copy.Parameters, first, last);
        batch.BatchCommands.Add(copy);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(NotifySql));
    }

    /// <summary>The copy and the wake-up on a connection of the caller's (a unit of work).</summary>
    public async ValueTask CopyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long first, long last, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        AddCopy(batch, first, last);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private void BindCopy(NpgsqlParameterCollection parameters, long first, long last)
    {
        parameters.Add(new NpgsqlParameter<long> { TypedValue = first });
        parameters.Add(new NpgsqlParameter<long> { TypedValue = last });
        parameters.Add(new NpgsqlParameter<bool> { TypedValue = _options.IncludesAll });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = _types });
    }

    // A stable hash of the key into [0, partitions): hashtextextended is PostgreSQL's own (11+), the same on every client; the count
    // is the schema's (outbox_settings), not this process's setting, so writers and relays configured differently still agree.
    private string PartitionOf(string key) => $"(hashtextextended({key}, 0) & 2147483647) % (SELECT partitions FROM {_schema}.outbox_settings WHERE id = 1)";
}
