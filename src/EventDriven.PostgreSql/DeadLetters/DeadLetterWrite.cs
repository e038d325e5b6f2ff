using EventDriven.PostgreSql.Writing;
using EventDriven.Reliability;
using Npgsql;

namespace EventDriven.PostgreSql.DeadLetters;

/// <summary>
/// A dead letter serialized on the caller's thread and inserted by the store's writer (in a savepoint of its own: a letter that cannot
/// be written fails alone, never the marks and appends committed with it). Completes after the commit with the letter's id.
/// </summary>
internal sealed class DeadLetterWrite : PostgresWriteItem
{
    private readonly TaskCompletionSource<long> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DeadLetter _letter;
    private readonly (string EventType, int SchemaVersion, byte[]? Payload, string? Error) _serialized;
    private long _id;

    public DeadLetterWrite(DeadLetter letter, Serialization.IEventSerializer serializer)
    {
        _letter = letter;
        _serialized = DeadLetterPayload.Serialize(letter, serializer);
    }

    public Task<long> Task => _completion.Task;

    public static string InsertSql(string schema) => $"""
        INSERT INTO {schema}.dead_letters (event_id, event_type, schema_version, occurred_at, payload, payload_error, handler, exception_type, exception_message, exception_detail, attempts, failed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        RETURNING id
        """;

    /// <inheritdoc />
    public override void Write(PostgresWriter writer)
    {
        using var insert = writer.Command(InsertSql(writer.Schema));
        Bind(insert, _letter, _serialized);
        _id = (long)insert.ExecuteScalar()!;
    }

    /// <summary>Sets the twelve parameters of <see cref="InsertSql"/>.</summary>
    public static void Bind(NpgsqlCommand insert, DeadLetter letter, (string EventType, int SchemaVersion, byte[]? Payload, string? Error) serialized)
    {
        Exception exception = letter.Exception;
        NpgsqlParameterCollection p = insert.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = letter.Event.Id });
        p.Add(new NpgsqlParameter<string> { TypedValue = Text(serialized.EventType) });
        p.Add(new NpgsqlParameter<int> { TypedValue = serialized.SchemaVersion });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = letter.Event.OccurredAt.UtcDateTime });
        p.Add(new NpgsqlParameter<byte[]?> { TypedValue = serialized.Payload });
        p.Add(new NpgsqlParameter<string?> { TypedValue = serialized.Error is null ? null : Text(serialized.Error) });
        p.Add(new NpgsqlParameter<string> { TypedValue = Text(letter.HandlerName) });
        p.Add(new NpgsqlParameter<string> { TypedValue = Text(exception.GetType().FullName ?? exception.GetType().Name) });
        p.Add(new NpgsqlParameter<string> { TypedValue = Text(exception.Message) });
        p.Add(new NpgsqlParameter<string> { TypedValue = Text(exception.ToString()) });
        p.Add(new NpgsqlParameter<int> { TypedValue = letter.Attempts });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = letter.FailedAt.UtcDateTime });
    }

    /// <inheritdoc />
    protected override void Acknowledge()
    {
        if (Error is not null)
        {
            _completion.SetException(Error);
        }
        else
        {
            _completion.SetResult(_id);
        }
    }

    // An exception message is the failure path's evidence: a NUL in it (PostgreSQL text cannot hold one) must not lose the letter.
    private static string Text(string value) => value.Replace('\0', '\uFFFD');
}
