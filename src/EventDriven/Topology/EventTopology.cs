using EventDriven.Dispatch;

namespace EventDriven.Topology;

/// <summary>
/// The topology manifest: which handlers react to which events, and which events those handlers publish. Built at compile time by
/// the generator (one per assembly) and combined across assemblies by <see cref="Current"/>.
/// </summary>
public sealed class EventTopology
{
    /// <summary>Creates a topology from routes; routes of the same event type are merged and handlers put in run order.</summary>
    public EventTopology(IEnumerable<EventRouteInfo> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        Routes = routes
            .GroupBy(r => r.EventType, StringComparer.Ordinal)
            .Select(g => new EventRouteInfo(g.Key, g.SelectMany(r => r.Handlers).Order(Comparer<HandlerDescriptor>.Create(HandlerDescriptor.CompareRunOrder)).ToArray()))
            .OrderBy(r => r.EventType, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Every event type with a handler, ordered by full name.</summary>
    public IReadOnlyList<EventRouteInfo> Routes { get; }

    /// <summary>The topology of every dispatch table registered in this process (this application and the libraries it references).</summary>
    public static EventTopology Current => new(EventDispatchTables.All.SelectMany(t => t.Topology.Routes));

    /// <summary>Renders the topology as a Mermaid flowchart: events as rounded nodes, handlers as boxes, dotted arrows for events a handler publishes.</summary>
    public string ToMermaid() => MermaidFlowchart.Render(this);
}
