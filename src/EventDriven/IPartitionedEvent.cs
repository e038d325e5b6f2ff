namespace EventDriven;

/// <summary>
/// An event that carries its partition key, typically the aggregate id (an order, an account). With
/// <see cref="EventDrivenOptions.Partitions"/> greater than one, events with the same key always go to the same ring and consumer,
/// so they are handled in publication order, like a Kafka partition; different keys are handled in parallel.
/// </summary>
public interface IPartitionedEvent : IEvent
{
    /// <summary>The key that chooses the partition.</summary>
    Guid PartitionKey { get; }
}
