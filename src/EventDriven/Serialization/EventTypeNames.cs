namespace EventDriven.Serialization;

/// <summary>The stable names the generated catalogs know for event types (no instance needed, no reflection).</summary>
internal static class EventTypeNames
{
    /// <summary>The constant <see cref="IEvent.EventType"/> of <paramref name="eventType"/>, or null when no catalog read one.</summary>
    public static string? Find(Type eventType)
    {
        foreach (IEventTypeCatalog catalog in EventTypeCatalogs.All)
        {
            foreach (EventTypeDescriptor descriptor in catalog.EventTypes)
            {
                if (descriptor.ClrType == eventType && descriptor.Name is { } name)
                {
                    return name;
                }
            }
        }

        return null;
    }
}
