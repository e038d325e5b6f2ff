namespace EventDriven;

/// <summary>
/// The schema version of an event type's stored form, 1 when absent. Raise it when a change to the event would make old payloads
/// read wrongly, and register an upcaster from the old version (<see cref="Serialization.EventTypeRegistry.AddUpcaster"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class EventSchemaVersionAttribute(int version) : Attribute
{
    /// <summary>The current schema version, 1 or more.</summary>
    public int Version { get; } = version >= 1 ? version : throw new ArgumentOutOfRangeException(nameof(version), version, "A schema version is 1 or more.");
}
