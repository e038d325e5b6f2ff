using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.PostgreSql;

/// <summary>
/// PostgreSQL's text cannot hold the NUL character: a stream id, event type or metadata with one would fail the insert of the
/// whole group it is committed with. Refused here, before queueing, so it fails only its own append.
/// </summary>
internal static class PostgresText
{
    /// <summary>A text for a column that must take what it is given (an error's message): NUL characters, which PostgreSQL text refuses, become U+FFFD.</summary>
    public static string WithoutNul(string value) => value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    public static void ThrowIfNul(string value, string name)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name} contains a NUL character (\\0), which PostgreSQL text cannot store.", name);
        }
    }

    public static void ThrowIfNul(EventToAppend[] items, SerializedEvent[] serialized)
    {
        for (int i = 0; i < items.Length; i++)
        {
            ThrowIfNul(serialized[i].EventType, $"events[{i}].EventType");
            if (items[i].Metadata is { } metadata)
            {
                ThrowIfNul(metadata, $"events[{i}].Metadata");
            }
        }
    }
}
