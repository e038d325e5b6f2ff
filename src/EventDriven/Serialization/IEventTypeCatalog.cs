using System.ComponentModel;
using System.Text.Json.Serialization.Metadata;

namespace EventDriven.Serialization;

/// <summary>
/// The event types one assembly knows, with AOT-safe JSON metadata for each. The source generator writes one per assembly and
/// registers it in <see cref="EventTypeCatalogs"/>; not meant to be implemented by hand (use <see cref="EventTypeRegistry.Add{TEvent}"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IEventTypeCatalog
{
    /// <summary>The event types.</summary>
    IReadOnlyList<EventTypeDescriptor> EventTypes { get; }

    /// <summary>JSON metadata for every event type of <see cref="EventTypes"/> and every type their properties use.</summary>
    IJsonTypeInfoResolver JsonTypeInfoResolver { get; }
}

/// <summary>One event type of a catalog.</summary>
/// <param name="ClrType">The event's type.</param>
/// <param name="Name">Its stable name: the constant its <see cref="IEvent.EventType"/> returns, or null when the generator could not read a constant (the name is then learned from the first instance serialized).</param>
/// <param name="SchemaVersion">From <see cref="EventSchemaVersionAttribute"/>, 1 when absent.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record EventTypeDescriptor(Type ClrType, string? Name, int SchemaVersion);

/// <summary>The process-wide list of generated catalogs, filled by generated module initializers (no assembly scanning).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class EventTypeCatalogs
{
    private static readonly Lock s_gate = new();
    private static IEventTypeCatalog[] s_catalogs = [];

    /// <summary>Every catalog registered so far, in registration order.</summary>
    public static IReadOnlyList<IEventTypeCatalog> All => Volatile.Read(ref s_catalogs);

    /// <summary>Registers <paramref name="catalog"/>; registering the same catalog again does nothing.</summary>
    public static void Register(IEventTypeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        lock (s_gate)
        {
            if (Array.IndexOf(s_catalogs, catalog) < 0)
            {
                Volatile.Write(ref s_catalogs, [.. s_catalogs, catalog]);
            }
        }
    }
}
