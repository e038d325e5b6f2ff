using EventDriven.Serialization;

namespace EventDriven.Diagnostics;

/// <summary>
/// The name metrics and spans tag an event type with: its stable <see cref="IEvent.EventType"/> name from the generated catalogs,
/// else its full CLR name. Never the short CLR name: four services' copies of <c>OrderPaid</c> are four series, not one.
/// </summary>
internal static class TelemetryNames
{
    /// <summary>The tag of <paramref name="eventType"/>; read once per route, when it is created.</summary>
    public static string Of(Type eventType)
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

        return (eventType.FullName ?? eventType.Name).Replace('+', '.');
    }
}
