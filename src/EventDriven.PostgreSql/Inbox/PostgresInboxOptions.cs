namespace EventDriven.PostgreSql;

/// <summary>Settings of a <see cref="PostgresInbox"/>: how long processed event ids are remembered.</summary>
public sealed class PostgresInboxOptions
{
    /// <summary>
    /// How long a processed event id is remembered (default 30 days). A redelivery that arrives later than this after the first
    /// handling is not recognised, so keep it longer than the longest redelivery window you have (a broker's retention, how far
    /// back you re-drive or re-publish).
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How often the inbox forgets ids older than <see cref="Retention"/> on its own (default every hour, the first time one
    /// interval after it opens); <see langword="null"/> turns the periodic purge off (call <see cref="PostgresInbox.PurgeExpiredAsync"/> yourself).
    /// </summary>
    public TimeSpan? PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (Retention <= TimeSpan.Zero)
        {
            throw new ArgumentException($"PostgresInboxOptions.Retention is {Retention}; it must be positive (how long processed event ids are remembered).", nameof(Retention));
        }

        if (PurgeInterval is { } interval && (interval <= TimeSpan.Zero || interval.TotalMilliseconds > uint.MaxValue - 1))
        {
            throw new ArgumentException($"PostgresInboxOptions.PurgeInterval is {interval}; it must be positive and under 49 days, or null for no periodic purge.", nameof(PurgeInterval));
        }
    }
}
