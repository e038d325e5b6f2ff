using EventDriven.Reliability;
using EventDriven.Serialization;
using EventDriven.Sqlite.Writing;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.DeadLetters;

/// <summary>
/// A dead letter as the table keeps it, serialized on the caller's thread; written by the database's writer (alone through
/// <see cref="SqliteDeadLetterStore.WriteAsync"/>, or as part of a <see cref="SqliteUnitOfWork"/>).
/// </summary>
internal sealed class DeadLetterRow
{
    private readonly DeadLetter _letter;
    private readonly string _eventType;
    private readonly int _schemaVersion;
    private readonly byte[]? _payload;
    private readonly string? _payloadError;

    private DeadLetterRow(DeadLetter letter, string eventType, int schemaVersion, byte[]? payload, string? payloadError)
    {
        _letter = letter;
        _eventType = eventType;
        _schemaVersion = schemaVersion;
        _payload = payload;
        _payloadError = payloadError;
    }

    /// <summary>Serializes the letter's event; one that cannot be serialized is kept without payload, with the reason.</summary>
    public static DeadLetterRow From(DeadLetter letter, IEventSerializer serializer)
    {
        (string eventType, int schemaVersion, byte[]? payload, string? error) = DeadLetterPayload.Serialize(letter, serializer);
        return new DeadLetterRow(letter, eventType, schemaVersion, payload, error);
    }

    /// <summary>Inserts the row in the writer's open transaction.</summary>
    public int Insert(SqliteWriter writer)
    {
        Exception exception = _letter.Exception;
        SqliteCommand insert = writer.Commands.Get(DeadLetterSchema.InsertSql, writer.Transaction);
        SqliteCommandCache.Set(insert, "$event_id", _letter.Event.Id);
        SqliteCommandCache.Set(insert, "$event_type", _eventType);
        SqliteCommandCache.Set(insert, "$schema_version", _schemaVersion);
        SqliteCommandCache.Set(insert, "$occurred_at", _letter.Event.OccurredAt.UtcTicks);
        SqliteCommandCache.Set(insert, "$payload", _payload);
        SqliteCommandCache.Set(insert, "$payload_error", _payloadError);
        SqliteCommandCache.Set(insert, "$handler", _letter.HandlerName);
        SqliteCommandCache.Set(insert, "$exception_type", exception.GetType().FullName ?? exception.GetType().Name);
        SqliteCommandCache.Set(insert, "$exception_message", exception.Message);
        SqliteCommandCache.Set(insert, "$exception_detail", exception.ToString());
        SqliteCommandCache.Set(insert, "$attempts", _letter.Attempts);
        SqliteCommandCache.Set(insert, "$failed_at", _letter.FailedAt.UtcTicks);
        return insert.ExecuteNonQuery();
    }
}
