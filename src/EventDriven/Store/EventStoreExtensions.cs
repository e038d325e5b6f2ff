namespace EventDriven.Store;

/// <summary>Conveniences over <see cref="IEventStore"/>, including the three calls of the original specification.</summary>
public static class EventStoreExtensions
{
    /// <summary>
    /// Appends one event to its stream (<see cref="IStreamEvent.StreamId"/>, or <see cref="DefaultStreamId"/>) without a concurrency
    /// check, recording the causation and correlation of the handler that is running, if any. Saving the same event twice stores it once.
    /// </summary>
    public static async Task SaveEventAsync(this IEventStore store, IEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(@event);
        await store.AppendAsync(DefaultStreamId(@event), [EventToAppend.LinkedToCurrentHandler(@event)], ExpectedVersion.Any, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Appends events to a stream with a concurrency check, without causation: the arguments in the order of
    /// <see cref="IEventStore.AppendAsync"/> (stream, events, expected version), only the events given as they are.
    /// </summary>
    /// <exception cref="ArgumentException">An element of <paramref name="events"/> is null.</exception>
    public static ValueTask<AppendResult> AppendAsync(this IEventStore store, string streamId, IReadOnlyList<IEvent> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        var items = new EventToAppend[events.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new EventToAppend(events[i] ?? throw new ArgumentException($"events[{i}] is null.", nameof(events)));
        }

        return store.AppendAsync(streamId, items, expectedVersion, cancellationToken);
    }

    /// <summary>Every event of one stream (aggregate), deserialized. An unreadable event throws its typed <see cref="Serialization.EventDeserializationException"/>; use <see cref="IEventStore.ReadStreamAsync"/> to skip such rows yourself.</summary>
    public static async Task<IEnumerable<IEvent>> GetEventsAsync(this IEventStore store, string aggregateId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        List<IEvent> events = [];
        await foreach (StoredEvent stored in store.ReadStreamAsync(aggregateId, 0, cancellationToken).ConfigureAwait(false))
        {
            events.Add(store.Serializer.Deserialize(stored));
        }

        return events;
    }

    /// <summary>Every event of one type, deserialized, in position order. Unreadable rows throw as in <see cref="GetEventsAsync"/>.</summary>
    public static async Task<IEnumerable<IEvent>> GetEventsByTypeAsync(this IEventStore store, string eventType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        List<IEvent> events = [];
        await foreach (StoredEvent stored in store.ReadByTypeAsync(eventType, 0, cancellationToken).ConfigureAwait(false))
        {
            events.Add(store.Serializer.Deserialize(stored));
        }

        return events;
    }

    /// <summary>The stream an event is stored in when nothing else says: its <see cref="IStreamEvent.StreamId"/>, or <c>"$type-" + EventType</c>.</summary>
    public static string DefaultStreamId(IEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return @event is IStreamEvent { StreamId: { Length: > 0 } streamId } ? streamId : "$type-" + @event.EventType;
    }
}
