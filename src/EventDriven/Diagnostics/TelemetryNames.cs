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
        => EventTypeNames.Find(eventType) ?? (eventType.FullName ?? eventType.Name).Replace('+', '.');
}
