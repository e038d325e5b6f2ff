using EventDriven.Serialization;

namespace EventDriven.Store;

/// <summary>
/// An append-only store of events, organised in streams (one per aggregate, e.g. an order) with gap-free versions and a global,
/// dense position across all streams. Implementations: <see cref="InMemoryEventStore"/> (tests) and <c>EventDriven.Sqlite</c>.
/// </summary>
/// <remarks>
/// Guarantees every implementation keeps (and the contract tests check):
/// an append is atomic (all of its events or none), checked against <see cref="ExpectedVersion"/> (a conflict writes nothing and
/// throws <see cref="ConcurrencyException"/>), and idempotent by <see cref="IEvent.Id"/> (ids already stored are reported in
/// <see cref="AppendResult.Duplicates"/> and not written again, so retrying an append whose acknowledgement was lost is safe).
/// Readers page through the store and return rows as stored; deserializing one (<see cref="IEventSerializer.Deserialize"/>) can fail
/// for that row alone.
/// </remarks>
public interface IEventStore
{
    /// <summary>Turns events into rows and back: stable type names, schema versions, upcasters.</summary>
    IEventSerializer Serializer { get; }

    /// <summary>Appends <paramref name="events"/> to the end of <paramref name="streamId"/>, atomically, if the stream is at <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="ConcurrencyException">The stream is at another version; nothing was written.</exception>
    /// <exception cref="EventTooLargeException">An event's payload is over the store's size limit; nothing was written.</exception>
    /// <exception cref="EventSerializationException">An event could not be serialized; nothing was written.</exception>
    ValueTask<AppendResult> AppendAsync(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>The events of one stream in version order, starting at <paramref name="fromVersion"/> (inclusive).</summary>
    IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 0, CancellationToken cancellationToken = default);

    /// <summary>Every event of one <see cref="IEvent.EventType"/>, in position order, after <paramref name="afterPosition"/> (exclusive).</summary>
    IAsyncEnumerable<StoredEvent> ReadByTypeAsync(string eventType, long afterPosition = 0, CancellationToken cancellationToken = default);

    /// <summary>Every event in position order after <paramref name="afterPosition"/> (exclusive): pass the last position you processed to catch up.</summary>
    IAsyncEnumerable<StoredEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default);

    /// <summary>The version of the stream's last event, or -1 when the stream is empty.</summary>
    ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>The position of the last stored event, or 0 when the store is empty.</summary>
    ValueTask<long> GetLastPositionAsync(CancellationToken cancellationToken = default);
}
