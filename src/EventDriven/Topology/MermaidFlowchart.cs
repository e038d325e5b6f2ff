using System.Text;
using EventDriven.Dispatch;

namespace EventDriven.Topology;

/// <summary>Renders an <see cref="EventTopology"/> as Mermaid flowchart text (https://mermaid.js.org/syntax/flowchart.html).</summary>
internal static class MermaidFlowchart
{
    public static string Render(EventTopology topology)
    {
        var events = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var handlers = new SortedDictionary<string, HandlerDescriptor>(StringComparer.Ordinal);
        foreach (EventRouteInfo route in topology.Routes)
        {
            events.TryAdd(route.EventType, string.Empty);
            foreach (HandlerDescriptor handler in route.Handlers)
            {
                handlers.TryAdd(handler.Name, handler);
                foreach (string published in handler.Publishes)
                {
                    events.TryAdd(published, string.Empty);
                }
            }
        }

        // Node ids are positional (E0, H0, ...) because full type names contain characters Mermaid ids do not allow.
        var eventIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var handlerIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = new StringBuilder("flowchart LR\n");
        foreach (string eventType in events.Keys)
        {
            string id = "E" + eventIds.Count;
            eventIds.Add(eventType, id);
            text.Append("    ").Append(id).Append("([\"").Append(Label(eventType)).Append("\"])\n");
        }

        foreach (string handler in handlers.Keys)
        {
            string id = "H" + handlerIds.Count;
            handlerIds.Add(handler, id);
            text.Append("    ").Append(id).Append("[\"").Append(Label(handler)).Append("\"]\n");
        }

        foreach (EventRouteInfo route in topology.Routes)
        {
            foreach (HandlerDescriptor handler in route.Handlers)
            {
                text.Append("    ").Append(eventIds[route.EventType]).Append(" --> ").Append(handlerIds[handler.Name]).Append('\n');
            }
        }

        foreach ((string name, HandlerDescriptor handler) in handlers)
        {
            foreach (string published in handler.Publishes)
            {
                text.Append("    ").Append(handlerIds[name]).Append(" -.-> ").Append(eventIds[published]).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The simple type name, quoted safely: Mermaid labels cannot hold a double quote.</summary>
    private static string Label(string fullName)
    {
        int lastDot = fullName.LastIndexOf('.');
        return (lastDot >= 0 ? fullName[(lastDot + 1)..] : fullName).Replace("\"", "#quot;", StringComparison.Ordinal);
    }
}
