using EventDriven.Topology;

namespace EventDriven.Dispatch;

/// <summary>
/// Which of the generated handlers this process runs (<see cref="EventDrivenOptions.Handlers"/>). By default all of them; once a rule
/// is added, only the handlers some rule includes. This is how one assembly holding several services' handlers runs as one process per
/// service: each process includes its service's handlers, and a transport binds only the event types those handlers take.
/// </summary>
/// <remarks>
/// Excluded handlers are neither resolved nor checked, so their dependencies need not be registered. A rule that matches no handler
/// of any table fails the bus's start with an <see cref="InvalidOperationException"/> naming it: a misspelt namespace would otherwise
/// start a process that silently handles nothing.
/// </remarks>
public sealed class HandlerSelection
{
    private readonly List<Rule> _rules = [];
    private bool _restricted;

    /// <summary>Whether every handler runs (no rule was added).</summary>
    public bool IsEverything => _rules.Count == 0 && !_restricted;

    /// <summary>
    /// Runs no generated handler but those another rule includes: for a process that only stores what it receives (an audit trail)
    /// or only relays its outbox.
    /// </summary>
    public HandlerSelection IncludeNone()
    {
        _restricted = true;
        return this;
    }

    /// <summary>Includes handler <typeparamref name="THandler"/>.</summary>
    public HandlerSelection Include<THandler>()
        where THandler : class
        => Include((typeof(THandler).FullName ?? typeof(THandler).Name).Replace('+', '.'));

    /// <summary>Includes the handler whose full type name is <paramref name="handlerName"/> (nested types joined with '.', as <see cref="HandlerDescriptor.Name"/> spells them).</summary>
    public HandlerSelection Include(string handlerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(handlerName);
        _rules.Add(new Rule("handler " + handlerName, h => string.Equals(h.Name, handlerName, StringComparison.Ordinal)));
        return this;
    }

    /// <summary>Includes every handler declared in namespace <paramref name="namespaceName"/> or a namespace inside it.</summary>
    public HandlerSelection IncludeNamespace(string namespaceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(namespaceName);
        string prefix = namespaceName.TrimEnd('.') + ".";
        _rules.Add(new Rule("namespace " + namespaceName, h => h.Name.StartsWith(prefix, StringComparison.Ordinal)));
        return this;
    }

    /// <summary>Whether <paramref name="handler"/> runs in this process.</summary>
    public bool Includes(HandlerDescriptor handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (IsEverything)
        {
            return true;
        }

        foreach (Rule rule in _rules)
        {
            if (rule.Matches(handler))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The part of <paramref name="topology"/> this process runs: its routes with only the included handlers, without routes left empty.</summary>
    public EventTopology Apply(EventTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (IsEverything)
        {
            return topology;
        }

        var routes = new List<EventRouteInfo>();
        foreach (EventRouteInfo route in topology.Routes)
        {
            HandlerDescriptor[] kept = [.. route.Handlers.Where(Includes)];
            if (kept.Length > 0)
            {
                routes.Add(new EventRouteInfo(route.EventType, kept));
            }
        }

        return new EventTopology(routes);
    }

    /// <summary>Throws when a rule matches none of the handlers in <paramref name="tables"/>.</summary>
    internal void RequireEveryRuleMatches(IReadOnlyList<IEventDispatchTable> tables)
    {
        foreach (Rule rule in _rules)
        {
            bool matched = tables.Any(t => t.Topology.Routes.Any(r => r.Handlers.Any(rule.Matches)));
            if (!matched)
            {
                IEnumerable<string> known = tables.SelectMany(t => t.Topology.Routes).SelectMany(r => r.Handlers).Select(h => h.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(8);
                throw new InvalidOperationException(
                    $"EventDrivenOptions.Handlers includes the {rule.Description}, but no generated handler matches it. Handlers known here include: {string.Join(", ", known)}.");
            }
        }
    }

    private sealed record Rule(string Description, Func<HandlerDescriptor, bool> Matches);
}
