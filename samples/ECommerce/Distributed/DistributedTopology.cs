using System.Text;
using EventDriven.Dispatch;
using EventDriven.Topology;

namespace ECommerce.Distributed;

/// <summary>
/// The processes of a distributed run and the events between them, drawn from the generated topology manifest: each service's part of
/// it is the manifest seen through the service's handler selection, the same view its queue is bound from.
/// </summary>
public static class DistributedTopology
{
    private static readonly ShopService[] s_all = [ShopService.Storefront, ShopService.Orders, ShopService.Inventory, ShopService.Payments, ShopService.Notifications, ShopService.Audit];

    /// <summary>The event types (stable names) <paramref name="service"/> takes from its queue: those its handlers handle, less those it owns.</summary>
    public static IReadOnlyList<string> Consumes(ShopService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (ReferenceEquals(service, ShopService.Audit))
        {
            return ShopService.AllEventTypes;
        }

        var selection = new HandlerSelection();
        service.Handlers(selection);
        return [.. selection.Apply(EventTopology.Current).Routes
            .Select(static r => r.EventType[(r.EventType.LastIndexOf('.') + 1)..])
            .Where(name => !service.Owns.Contains(name))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>A Mermaid flowchart: a box per process with its handlers, an arrow per producer and consumer with the events on it.</summary>
    public static string ToMermaid()
    {
        var text = new StringBuilder();
        text.AppendLine("flowchart LR");
        foreach (ShopService service in s_all)
        {
            var selection = new HandlerSelection();
            service.Handlers(selection);
            string[] handlers = [.. selection.Apply(EventTopology.Current).Routes.SelectMany(static r => r.Handlers).Select(static h => h.Name[(h.Name.LastIndexOf('.') + 1)..]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            string body = handlers.Length == 0 ? "stores every event" : string.Join("<br/>", handlers);
            text.AppendLine($"  {service.Name}[\"<b>{service.Name}</b><br/>{body}\"]");
        }

        foreach (ShopService producer in s_all.Where(static s => s.Owns.Count > 0))
        {
            foreach (ShopService consumer in s_all.Where(c => !ReferenceEquals(c, producer) && !ReferenceEquals(c, ShopService.Audit)))
            {
                string[] events = [.. producer.Owns.Intersect(Consumes(consumer), StringComparer.Ordinal)];
                if (events.Length > 0)
                {
                    text.AppendLine($"  {producer.Name} -->|{string.Join(", ", events)}| {consumer.Name}");
                }
            }

            text.AppendLine($"  {producer.Name} -.->|all its events| {ShopService.Audit.Name}");
        }

        return text.ToString();
    }
}
