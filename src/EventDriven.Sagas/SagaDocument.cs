using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EventDriven.Sagas;

/// <summary>
/// Writes and reads the JSON document a store keeps for an instance: the journal, plus the user's state through its
/// <see cref="JsonTypeInfo{T}"/> (no reflection). Written by hand with <see cref="Utf8JsonWriter"/> so the runtime needs no
/// serializer context of its own.
/// </summary>
internal static class SagaDocument
{
    private const int FormatVersion = 1;

    public static byte[] Write<TState>(TState state, SagaJournal journal, JsonTypeInfo<TState> stateTypeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", FormatVersion);
            WriteStrings(writer, "steps", journal.Steps);
            WriteStrings(writer, "compensated", journal.Compensated);
            writer.WriteStartArray("handled");
            foreach (Guid id in journal.Handled)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
            if (journal.Reason is not null)
            {
                writer.WriteString("reason", journal.Reason);
            }

            writer.WritePropertyName("state");
            JsonSerializer.Serialize(writer, state, stateTypeInfo);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="SagaStateException">The document is not one this runtime wrote, or the state does not deserialize.</exception>
    public static (TState State, SagaJournal Journal) Read<TState>(SagaRecord record, JsonTypeInfo<TState> stateTypeInfo)
        where TState : class
    {
        try
        {
            var journal = new SagaJournal();
            TState? state = null;
            var reader = new Utf8JsonReader(record.Data);
            Expect(ref reader, JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "steps":
                        ReadStrings(ref reader, journal.Steps);
                        break;
                    case "compensated":
                        ReadStrings(ref reader, journal.Compensated);
                        break;
                    case "handled":
                        RequireToken(ref reader, JsonTokenType.StartArray);
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            journal.Handled.Add(reader.GetGuid());
                        }

                        break;
                    case "reason":
                        journal.Reason = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                        break;
                    case "state":
                        state = JsonSerializer.Deserialize(ref reader, stateTypeInfo);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return (state ?? throw new JsonException("The document has no \"state\", or it is null."), journal);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            throw new SagaStateException(record.SagaType, record.CorrelationId, record.Revision, exception);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, List<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void ReadStrings(ref Utf8JsonReader reader, List<string> values)
    {
        RequireToken(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.GetString() ?? throw new JsonException("A journal entry is null."));
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (!reader.Read())
        {
            throw new JsonException("The document is empty.");
        }

        RequireToken(ref reader, expected);
    }

    private static void RequireToken(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (reader.TokenType != expected)
        {
            throw new JsonException($"Expected {expected} at byte {reader.TokenStartIndex}, found {reader.TokenType}.");
        }
    }
}
