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

    /// <summary>The trail of the most instructive order of <paramref name="book"/>: the first one compensated, else the first fulfilled, else the first rejected.</summary>
    /// <returns>A title naming the order and its outcome, and the lines; no title when the book is empty.</returns>
    public static async Task<(string? Title, IReadOnlyList<string> Lines)> ReadMostInstructiveAsync(IEventStore store, Orders.OrderBook book, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(book);
        Orders.OrderView? pick = null;
        foreach (Orders.OrderMilestones wanted in (Orders.OrderMilestones[])[Orders.OrderMilestones.Cancelled, Orders.OrderMilestones.Fulfilled, Orders.OrderMilestones.Rejected])
        {
            pick = book.Orders.Where(v => v.FinalState == wanted).MinBy(static v => v.OrderNumber);
            if (pick is not null)
            {
                break;
            }
        }

        if (pick is null)
        {
            return (null, []);
        }

        string how = pick.FinalState switch
        {
            Orders.OrderMilestones.Cancelled => "cancelled: " + pick.Cancellation,
            Orders.OrderMilestones.Rejected => "rejected: " + pick.Rejection,
            _ => "fulfilled",
        };
        IReadOnlyList<string> lines = await ReadAsync(store, Orders.OrderStream.Id(pick.OrderId), cancellationToken).ConfigureAwait(false);
        return (string.Create(CultureInfo.InvariantCulture, $"order #{pick.OrderNumber} ({how})"), lines);
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
