using EventDriven.Store;

namespace EventDriven.Serialization;

/// <summary>An event could not be serialized for storing; nothing of the append it was part of was written.</summary>
public sealed class EventSerializationException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// One stored event could not be turned back into an event. Only that event is affected: readers and replays go on with the
/// next one and report this one (to a dead-letter sink or an unreadable-event hook).
/// </summary>
public abstract class EventDeserializationException : Exception
{
    private protected EventDeserializationException(StoredEvent stored, string message, Exception? innerException = null)
        : base($"Stored event at position {stored.Position} (id {stored.EventId}, type '{stored.EventType}', schema v{stored.SchemaVersion}, stream '{stored.StreamId}'): {message}", innerException)
    {
        Stored = stored;
    }

    /// <summary>The row that could not be read.</summary>
    public StoredEvent Stored { get; }
}

/// <summary>No event type with the stored name is known: it was renamed (register an alias) or removed.</summary>
public sealed class UnknownEventTypeException(StoredEvent stored)
    : EventDeserializationException(stored, $"no event type named '{stored.EventType}' is registered. If it was renamed, map the old name with EventTypeRegistry.AddAlias(\"{stored.EventType}\", \"<new name>\").");

/// <summary>The payload was written by a newer version of the program (a higher schema version than the event type declares).</summary>
public sealed class EventSchemaVersionException(StoredEvent stored, int knownVersion)
    : EventDeserializationException(stored, $"the payload has schema version {stored.SchemaVersion}, newer than version {knownVersion} this program knows. Upgrade the program before reading it.")
{
    /// <summary>The schema version this program declares for the event type.</summary>
    public int KnownVersion { get; } = knownVersion;
}

/// <summary>The payload is not valid for the event type (truncated, not JSON, wrong shape).</summary>
public sealed class CorruptEventPayloadException(StoredEvent stored, Exception? innerException)
    : EventDeserializationException(stored, $"the payload is not a valid '{stored.EventType}': {innerException?.Message ?? "it deserialized to null"}", innerException);

/// <summary>The store could not read a column of the row itself (a malformed id, a payload of the wrong type): see <see cref="StoredEvent.Unreadable"/>.</summary>
public sealed class CorruptEventRowException(StoredEvent stored)
    : EventDeserializationException(stored, $"the row is malformed: {stored.Unreadable}.");
