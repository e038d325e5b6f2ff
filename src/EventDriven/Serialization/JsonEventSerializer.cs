using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using EventDriven.Store;

namespace EventDriven.Serialization;

/// <summary>
/// The default <see cref="IEventSerializer"/>: UTF-8 JSON through System.Text.Json metadata written at compile time (no reflection,
/// safe under trimming and native AOT), stable type names from <see cref="IEvent.EventType"/>, upcasting of old schema versions.
/// </summary>
public sealed class JsonEventSerializer(EventTypeRegistry registry) : IEventSerializer
{
    /// <summary>A serializer over every generated event type of the process.</summary>
    public JsonEventSerializer()
        : this(new EventTypeRegistry())
    {
    }

    /// <summary>The registry of event types this serializer reads and writes.</summary>
    public EventTypeRegistry Registry { get; } = registry ?? throw new ArgumentNullException(nameof(registry));

    /// <inheritdoc />
    public SerializedEvent Serialize(IEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        EventTypeRegistry.Entry entry = Registry.ForInstance(@event);
        JsonTypeInfo typeInfo = Registry.GetTypeInfo(entry);
        try
        {
            return new SerializedEvent(entry.Name!, entry.SchemaVersion, JsonSerializer.SerializeToUtf8Bytes(@event, typeInfo));
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new EventSerializationException($"Event {@event.Id} ('{entry.Name}', {entry.ClrType.FullName}) could not be serialized: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public IEvent Deserialize(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Unreadable is not null)
        {
            throw new CorruptEventRowException(stored);
        }

        if (!Registry.TryGetByName(stored.EventType, out EventTypeRegistry.Entry entry))
        {
            throw new UnknownEventTypeException(stored);
        }

        if (stored.SchemaVersion > entry.SchemaVersion)
        {
            throw new EventSchemaVersionException(stored, entry.SchemaVersion);
        }

        JsonTypeInfo typeInfo;
        try
        {
            typeInfo = Registry.GetTypeInfo(entry);
        }
        catch (EventSerializationException ex)
        {
            throw new CorruptEventPayloadException(stored, ex);
        }

        object? value;
        try
        {
            if (stored.SchemaVersion < entry.SchemaVersion && Registry.HasUpcasters(entry.Name!, stored.SchemaVersion, entry.SchemaVersion))
            {
                JsonObject payload = JsonNode.Parse(stored.Payload.Span)?.AsObject() ?? throw new JsonException("the payload is JSON null");
                payload = Registry.Upcast(entry.Name!, stored.SchemaVersion, entry.SchemaVersion, payload);
                value = payload.Deserialize(typeInfo);
            }
            else
            {
                value = JsonSerializer.Deserialize(stored.Payload.Span, typeInfo);
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new CorruptEventPayloadException(stored, ex);
        }

        return value as IEvent ?? throw new CorruptEventPayloadException(stored, null);
    }
}
