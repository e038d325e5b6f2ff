using System.Globalization;
using System.Text;
using EventDriven.Store;

namespace ECommerce.Audit;

/// <summary>Reads one order's history back from the event store, as an auditor would: every event in order, with what caused it.</summary>
public static class AuditTrail
{
    /// <summary>Lines describing every event of <paramref name="streamId"/>: version, time, type, cause, and the stored payload.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(IEventStore store, string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var typesById = new Dictionary<Guid, string>();
        var lines = new List<string>();
        await foreach (StoredEvent stored in store.ReadStreamAsync(streamId, 0, cancellationToken).ConfigureAwait(false))
        {
            typesById[stored.EventId] = stored.EventType;
            string cause = stored.CausationId is { } causationId
                ? "after " + typesById.GetValueOrDefault(causationId, causationId.ToString("N")[..8])
                : stored.StreamVersion == 0 ? "placed by the customer" : "by a timer (the saga's timeout)";
            string payload = Encoding.UTF8.GetString(stored.Payload.Span);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  #{stored.Position,-8} v{stored.StreamVersion} {stored.EventType,-26} {cause,-36} {Shorten(payload, 90)}"));
        }

        return lines;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
