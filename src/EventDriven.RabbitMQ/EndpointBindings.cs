using EventDriven.Outbox;
using EventDriven.Serialization;
using EventDriven.Topology;

namespace EventDriven.RabbitMQ;

/// <summary>
/// The routing keys an endpoint's queue is bound to: the stable names of the event types this process's generated handler tables
/// take (known at compile time; nothing is scanned), less the ones this service's outbox names (it handles those as it publishes
/// them; with <see cref="OutboxOptions.IncludeAll"/> none is named, so <see cref="RabbitMqOptions.Ignore"/> the ones it publishes itself), less <see cref="RabbitMqOptions.Ignored"/>, plus <see cref="RabbitMqOptions.Subscribed"/>.
/// </summary>
internal static class EndpointBindings
{
    public static IReadOnlyList<string> For(RabbitMqOptions options, EventTopology topology, OutboxOptions? outbox)
    {
        var names = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (IEventTypeCatalog catalog in EventTypeCatalogs.All)
        {
            foreach (EventTypeDescriptor descriptor in catalog.EventTypes)
            {
                string clrName = (descriptor.ClrType.FullName ?? descriptor.ClrType.Name).Replace('+', '.');
                if (descriptor.Name is not null || !names.ContainsKey(clrName))
                {
                    names[clrName] = descriptor.Name;
                }
            }
        }

        var keys = new SortedSet<string>(StringComparer.Ordinal);
        var unnamed = new List<string>();
        foreach (EventRouteInfo route in topology.Routes)
        {
            if (!names.TryGetValue(route.EventType, out string? name) || name is null)
            {
                unnamed.Add(route.EventType);
                continue;
            }

            // Only types named in the outbox count as this service's own: with IncludeAll every type would, and nothing would be bound.
            if (!options.Ignored.Contains(name) && !(outbox?.EventTypes.Contains(name) ?? false))
            {
                keys.Add(name);
            }
        }

        unnamed.RemoveAll(clr => options.Ignored.Contains(clr));
        if (unnamed.Count > 0)
        {
            throw new InvalidOperationException(
                $"The endpoint '{options.Endpoint}' cannot bind {string.Join(", ", unnamed)}: no constant EventType name is known for them. Return a constant from EventType, or name them with RabbitMqOptions.Subscribe(\"<event type>\") (and Ignore(\"<CLR name>\") to silence this).");
        }

        keys.UnionWith(options.Subscribed);
        return [.. keys];
    }
}
