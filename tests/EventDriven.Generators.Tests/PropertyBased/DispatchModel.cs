namespace EventDriven.Generators.Tests.PropertyBased;

/// <summary>A random program: events, handlers, and the order <c>Program.Run</c> publishes one instance of each event in.</summary>
public sealed record DispatchModel(EventModel[] Events, HandlerModel[] Handlers, int[] PublishOrder)
{
    /// <summary>
    /// What the log must say after <c>Program.Run</c> in namespace <paramref name="ns"/>: for each published event, every handler that
    /// handles it, once, by <c>Order</c> then ordinal full name.
    /// </summary>
    public string[] ExpectedLog(string ns)
        => [.. PublishOrder.SelectMany(e => Handlers
            .Where(h => h.Handles.Contains(e))
            .OrderBy(static h => h.Order)
            .ThenBy(h => ns + "." + h.Name, StringComparer.Ordinal)
            .Select(h => LogEntry(h.Name, Events[e].Name, EventId(e))))];

    public static string LogEntry(string handler, string @event, Guid id) => handler + ":" + @event + ":" + id.ToString("D");

    /// <summary>The id of the instance of event <paramref name="index"/> that <c>Program.Run</c> publishes.</summary>
    public static Guid EventId(int index) => new(index + 1, 0xED, 0, [0, 0, 0, 0, 0, 0, 0, 0]);

    public override string ToString()
        => $"Events: [{string.Join(", ", Events.AsEnumerable())}]; Handlers: [{string.Join("; ", Handlers.AsEnumerable())}]; Publish: [{string.Join(",", PublishOrder)}]";
}
