namespace EventDriven;

/// <summary>
/// Something that happened. Events are immutable facts: record classes, sealed classes or
/// <c>readonly record struct</c>s all work, and struct events travel through the bus without boxing.
/// </summary>
public interface IEvent
{
    /// <summary>The unique id of this occurrence. Redelivered copies keep the same id, which is what makes deduplication possible.</summary>
    Guid Id { get; }

    /// <summary>When the fact happened (not when it was published or handled).</summary>
    DateTimeOffset OccurredAt { get; }

    /// <summary>A stable name for the kind of event, e.g. <c>"OrderSubmitted"</c>. Stored and logged instead of CLR type names, so renaming a class does not break history.</summary>
    string EventType { get; }

    /// <summary>The service or component that raised the event, e.g. <c>"OrderService"</c>.</summary>
    string Source { get; }
}
