namespace EventDriven.Store;

/// <summary>
/// An event that names the stream (aggregate) it belongs to, e.g. the order id. Store-and-publish and
/// <see cref="EventStoreExtensions.SaveEventAsync"/> append it there; events without it go to a stream named after their type.
/// </summary>
public interface IStreamEvent : IEvent
{
    /// <summary>The stream id, e.g. <c>"order-6f1c…"</c>.</summary>
    string StreamId { get; }
}
