using System.Globalization;
using ECommerce.Invariants;

namespace ECommerce.Distributed;

/// <summary>What must also be true after a distributed run, beyond the five invariants every run checks.</summary>
public static class DistributedInvariants
{
    /// <summary>Short names, in the order they are checked.</summary>
    public const string Trail = "trail", Drained = "drained";

    /// <summary>The audit trail holds exactly the events the services published: none missing, none that no service published.</summary>
    public static InvariantResult AuditTrailIsComplete(IReadOnlyDictionary<string, HashSet<Guid>> published, HashSet<Guid> audit)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(audit);
        var all = new HashSet<Guid>(published.Values.SelectMany(static ids => ids));
        int missing = all.Count(id => !audit.Contains(id));
        int foreign = audit.Count(id => !all.Contains(id));
        string detail = string.Create(CultureInfo.InvariantCulture, $"{all.Count:N0} events published by the services, {audit.Count:N0} in the audit trail; {missing:N0} missing from it, {foreign:N0} that no service published");
        return new InvariantResult(Trail, "the audit trail holds every event each service published, and nothing else", missing == 0 && foreign == 0, detail);
    }

    /// <summary>Nothing is left behind: every queue and every outbox empty, no message dead-lettered, no delivery unanswered.</summary>
    public static InvariantResult NothingLeftBehind(IReadOnlyDictionary<string, uint> queues, IReadOnlyDictionary<string, uint> deadLetters, long outboxes, long inFlight)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(deadLetters);
        long queued = queues.Values.Sum(static v => (long)v);
        long dead = deadLetters.Values.Sum(static v => (long)v);
        bool holds = queued == 0 && dead == 0 && outboxes == 0 && inFlight == 0;
        string detail = string.Create(CultureInfo.InvariantCulture, $"{queued:N0} messages left in {queues.Count} queues, {dead:N0} dead-lettered, {outboxes:N0} left in the outboxes, {inFlight:N0} deliveries unanswered")
            + (dead > 0 ? "; " + string.Join(", ", deadLetters.Where(static q => q.Value > 0).Select(static q => string.Create(CultureInfo.InvariantCulture, $"{q.Key} {q.Value}"))) : string.Empty);
        return new InvariantResult(Drained, "every message reached its service: queues and outboxes empty, nothing dead-lettered", holds, detail);
    }
}
