namespace EventDriven.Sagas;

/// <summary>
/// A dense number per event type that some saga takes, so a runtime finds an event's step by array index instead of hashing its
/// <see cref="Type"/> on every event. Assigned on first use by the static initializer; no reflection.
/// </summary>
internal static class SagaEventIndex<TEvent>
{
    public static readonly int Value = SagaEventIndex.Next();
}

internal static class SagaEventIndex
{
    private static int s_last = -1;

    public static int Next() => Interlocked.Increment(ref s_last);
}
