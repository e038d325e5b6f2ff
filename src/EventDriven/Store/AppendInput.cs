using EventDriven.Serialization;

namespace EventDriven.Store;

/// <summary>
/// The checks every <see cref="IEventStore"/> makes on an append's input before it writes anything, in one place for every backend:
/// each event present, serialized on the caller's thread, and no payload over the store's limit.
/// </summary>
public static class AppendInput
{
    /// <summary>
    /// Copies <paramref name="events"/> and serializes each one with <paramref name="serializer"/>. Throws before anything is
    /// written: <see cref="ArgumentException"/> for a missing event, <see cref="EventTooLargeException"/> for a payload over
    /// <paramref name="maxEventSize"/> bytes, or the serializer's exception (<see cref="EventSerializationException"/>).
    /// </summary>
    /// <param name="serializer">The store's serializer.</param>
    /// <param name="events">The append's events, as the caller passed them.</param>
    /// <param name="maxEventSize">The largest payload in bytes an event may have.</param>
    /// <param name="serialized">Each event's row, in the same order as the returned events.</param>
    /// <returns>The events, copied (the caller may reuse its list once the append is queued).</returns>
    public static EventToAppend[] Serialize(IEventSerializer serializer, IReadOnlyList<EventToAppend> events, int maxEventSize, out SerializedEvent[] serialized)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(events);
        var items = new EventToAppend[events.Count];
        serialized = new SerializedEvent[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            EventToAppend item = events[i];
            if (item.Event is null)
            {
                throw new ArgumentException($"events[{i}] has no event.", nameof(events));
            }

            SerializedEvent row = serializer.Serialize(item.Event);
            if (row.Payload.Length > maxEventSize)
            {
                throw new EventTooLargeException(item.Event.Id, row.EventType, row.Payload.Length, maxEventSize);
            }

            items[i] = item;
            serialized[i] = row;
        }

        return items;
    }
}
