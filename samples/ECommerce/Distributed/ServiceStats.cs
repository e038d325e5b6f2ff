using System.Globalization;

namespace ECommerce.Distributed;

/// <summary>
/// What a service process reports on its standard output, one line every <see cref="Interval"/> and once more when it stops: its
/// queue's counters and its outbox. The driver reads these lines; a killed process's last line is what it had reported by then.
/// </summary>
/// <param name="Received">Deliveries taken from the queue (redeliveries included).</param>
/// <param name="Redelivered">Deliveries the broker flagged as given before (to this or another instance).</param>
/// <param name="Acknowledged">Deliveries finished and acknowledged (dead-lettered ones too).</param>
/// <param name="Requeued">Deliveries handed back unfinished.</param>
/// <param name="DeadLettered">Deliveries moved to the service's dead-letter queue.</param>
/// <param name="OutboxPending">Messages in the outbox, not yet confirmed by the broker.</param>
/// <param name="Sent">Messages the outbox relay sent and the broker confirmed.</param>
public readonly record struct ServiceStats(long Received, long Redelivered, long Acknowledged, long Requeued, long DeadLettered, long OutboxPending, long Sent)
{
    /// <summary>How often a running service reports.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private const string Prefix = "STATS ";

    /// <summary>Deliveries taken but neither acknowledged nor handed back yet.</summary>
    public long InFlight => Received - Acknowledged - Requeued;

    /// <summary>The line a service prints.</summary>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Received} {Redelivered} {Acknowledged} {Requeued} {DeadLettered} {OutboxPending} {Sent}");

    /// <summary>Reads a line printed by <see cref="ToLine"/>; false for any other line.</summary>
    public static bool TryParse(string line, out ServiceStats stats)
    {
        stats = default;
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = line[Prefix.Length..].Split(' ');
        if (parts.Length != 7 || !parts.All(static p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return false;
        }

        long[] n = [.. parts.Select(static p => long.Parse(p, CultureInfo.InvariantCulture))];
        stats = new ServiceStats(n[0], n[1], n[2], n[3], n[4], n[5], n[6]);
        return true;
    }

    /// <summary>The sum of two incarnations' counters (the outbox is the database's, so the later one's).</summary>
    public ServiceStats Plus(ServiceStats later)
        => new(Received + later.Received, Redelivered + later.Redelivered, Acknowledged + later.Acknowledged, Requeued + later.Requeued, DeadLettered + later.DeadLettered, later.OutboxPending, Sent + later.Sent);
}
