namespace EventDriven;

/// <summary>Who publishes to the ring: the multi-producer claim costs one <c>Interlocked.CompareExchange</c> per publish.</summary>
public enum ProducerType
{
    /// <summary>Any number of threads may publish concurrently. The safe default.</summary>
    Multi,

    /// <summary>
    /// The application promises that only one thread publishes at a time (per bus). The claim is a plain increment; publishing
    /// from two threads at once in this mode corrupts the ring.
    /// </summary>
    Single,
}
