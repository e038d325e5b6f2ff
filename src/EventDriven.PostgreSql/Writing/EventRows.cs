using EventDriven.Serialization;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql.Writing;

/// <summary>
/// The rows of one transaction's appends, column by column, written with one <c>INSERT … SELECT FROM unnest(…)</c>: a group of
/// thousands of events is one statement and one round trip, not one per event.
/// </summary>
internal sealed class EventRows
{
    private readonly List<long> _position = [];
    private readonly List<string> _streamId = [];
    private readonly List<long> _streamVersion = [];
    private readonly List<Guid> _eventId = [];
    private readonly List<string> _eventType = [];
    private readonly List<int> _schemaVersion = [];
    private readonly List<DateTime> _occurredAt = [];
    private readonly List<Guid?> _causationId = [];
    private readonly List<Guid?> _correlationId = [];
    private readonly List<string?> _metadata = [];
    private readonly List<byte[]> _payload = [];

    public int Count => _position.Count;

    /// <summary>The event types of the rows, in order.</summary>
    public IReadOnlyList<string> EventTypes => _eventType;

    /// <summary>The position of the first row (rows are added in rising positions).</summary>
    public long FirstPosition => _position[0];

    /// <summary>The position of the last row.</summary>
    public long LastPosition => _position[^1];

    public static string InsertSql(string schema) => $"""
        INSERT INTO {schema}.events (position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, causation_id, correlation_id, metadata, payload)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::integer[], $7::timestamptz[], $8::uuid[], $9::uuid[], $10::text[], $11::bytea[])
        """;

    public void Add(long position, string streamId, long streamVersion, in EventToAppend item, in SerializedEvent serialized)
    {
        _position.Add(position);
        _streamId.Add(streamId);
        _streamVersion.Add(streamVersion);
        _eventId.Add(item.Event.Id);
        _eventType.Add(serialized.EventType);
        _schemaVersion.Add(serialized.SchemaVersion);
        _occurredAt.Add(item.Event.OccurredAt.UtcDateTime);
        _causationId.Add(item.CausationId);
        _correlationId.Add(item.CorrelationId);
        _metadata.Add(item.Metadata);
        _payload.Add(serialized.Payload);
    }

    /// <summary>Drops the rows from <paramref name="count"/> on (an item that failed after adding some).</summary>
    public void TruncateTo(int count)
    {
        int remove = Count - count;
        if (remove <= 0)
        {
            return;
        }

        _position.RemoveRange(count, remove);
        _streamId.RemoveRange(count, remove);
        _streamVersion.RemoveRange(count, remove);
        _eventId.RemoveRange(count, remove);
        _eventType.RemoveRange(count, remove);
        _schemaVersion.RemoveRange(count, remove);
        _occurredAt.RemoveRange(count, remove);
        _causationId.RemoveRange(count, remove);
        _correlationId.RemoveRange(count, remove);
        _metadata.RemoveRange(count, remove);
        _payload.RemoveRange(count, remove);
    }

    public void Clear() => TruncateTo(0);

    /// <summary>Sets the insert's eleven parameters to the rows (the command holds <see cref="InsertSql"/>).</summary>
    public void Bind(NpgsqlParameterCollection p)
    {
        p.Clear();
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. _position] });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. _streamId] });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. _streamVersion] });
        p.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. _eventId] });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. _eventType] });
        p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. _schemaVersion] });
        p.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. _occurredAt] });
        p.Add(new NpgsqlParameter<Guid?[]> { TypedValue = [.. _causationId] });
        p.Add(new NpgsqlParameter<Guid?[]> { TypedValue = [.. _correlationId] });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. _metadata] });
        p.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. _payload] });
    }
}
