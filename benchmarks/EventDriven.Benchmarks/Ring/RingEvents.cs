using EventDriven;

namespace EventDriven.Benchmarks.Ring;

// The ring benchmarks' own event types, shaped like Dispatch/OrderPlaced and Dispatch/PriceChanged. They are separate types so the
// ring handlers (which also count what they handled, see RingHandlers.cs) do not change what the inline dispatch benchmark measures.

/// <summary>A class event: the ring slot carries its reference.</summary>
public sealed class RingOrder : IEvent
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; } = DateTimeOffset.UnixEpoch;
    public string EventType => "RingOrder";
    public string Source => "Benchmarks";
    public long Amount { get; init; } = 42;
}

/// <summary>A struct event (24 bytes): the ring carries it in a per-type column, never boxed.</summary>
public readonly record struct RingPrice(Guid Id, long Price) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "RingPrice";
    public string Source => "Benchmarks";
}

/// <summary>
/// A class event with a partition key. <see cref="Lane"/> is the partition the bus puts it in with two partitions
/// (<c>(uint)PartitionKey.GetHashCode() % 2</c>, as <c>EventRoute.PartitionOf</c> computes it): the handlers write that lane's sink,
/// so each consumer thread writes only its own cache lines, as handlers keyed by aggregate would.
/// </summary>
public sealed class KeyedOrder : IPartitionedEvent
{
    public KeyedOrder(Guid partitionKey)
    {
        PartitionKey = partitionKey;
        Lane = (int)((uint)partitionKey.GetHashCode() % 2u);
    }

    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; } = DateTimeOffset.UnixEpoch;
    public string EventType => "KeyedOrder";
    public string Source => "Benchmarks";
    public long Amount { get; init; } = 42;
    public Guid PartitionKey { get; }
    public int Lane { get; }
}
