using EventDriven.Store;

namespace EventDriven.Serialization;

/// <summary>Turns events into stored payloads and back. The default is <see cref="JsonEventSerializer"/> (System.Text.Json, AOT-safe).</summary>
public interface IEventSerializer
{
    /// <summary>Serializes <paramref name="event"/> under its stable <see cref="IEvent.EventType"/> name and current schema version.</summary>
    /// <exception cref="EventSerializationException">The event's type is not known to the serializer, or serializing threw.</exception>
    SerializedEvent Serialize(IEvent @event);

    /// <summary>Deserializes one stored row, upcasting older schema versions first.</summary>
    /// <exception cref="UnknownEventTypeException">No event type of that name is registered (renamed or removed).</exception>
    /// <exception cref="EventSchemaVersionException">The payload is from a newer schema version than this program knows.</exception>
    /// <exception cref="CorruptEventPayloadException">The payload is not a valid serialization of the event type.</exception>
    IEvent Deserialize(StoredEvent stored);
}

/// <summary>An event as the store keeps it.</summary>
/// <param name="EventType">The stable type name.</param>
/// <param name="SchemaVersion">The schema version the payload was written with.</param>
/// <param name="Payload">The serialized event.</param>
public readonly record struct SerializedEvent(string EventType, int SchemaVersion, byte[] Payload);
