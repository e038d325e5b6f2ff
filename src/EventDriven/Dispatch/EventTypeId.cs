namespace EventDriven.Dispatch;

/// <summary>A dense, process-wide number for each event type, so a bus finds a route by array index instead of a dictionary lookup.</summary>
/// <remarks>Assigned on first use by a static constructor: no reflection, no <see cref="Type"/> hashing on the publish path.</remarks>
internal static class EventTypeId<TEvent>
{
    public static readonly int Value = EventTypeIds.Next();
}

internal static class EventTypeIds
{
    private static int s_last = -1;

    public static int Next() => Interlocked.Increment(ref s_last);

    /// <summary>How many ids have been handed out so far.</summary>
    public static int Count => Volatile.Read(ref s_last) + 1;
}
