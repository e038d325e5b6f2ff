using System.Runtime.CompilerServices;
using EventDriven.Serialization;

namespace EventDriven.Store;

/// <summary>
/// An <see cref="IEventStore"/> in memory, for tests and prototypes: the same contract as the durable stores (optimistic
/// concurrency, atomic and idempotent appends, dense positions, serialized payloads), nothing survives the process.
/// </summary>
public sealed class InMemoryEventStore : IEventStore
{
    /// <summary>The default largest payload an event may serialize to: 1 MiB.</summary>
    public const int DefaultMaxEventSize = 1 << 20;

    private readonly Lock _gate = new();
    private readonly List<StoredEvent> _all = [];
    private readonly Dictionary<string, List<StoredEvent>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, StoredEvent> _byId = [];
    private readonly int _maxEventSize;

    /// <summary>Creates an empty store.</summary>
    /// <param name="serializer">The serializer; default a <see cref="JsonEventSerializer"/> over the generated event types.</param>
    /// <param name="maxEventSize">The largest payload in bytes an event may have.</param>
    public InMemoryEventStore(IEventSerializer? serializer = null, int maxEventSize = DefaultMaxEventSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventSize, 1);
        Serializer = serializer ?? new JsonEventSerializer();
        _maxEventSize = maxEventSize;
    }

    /// <inheritdoc />
    public IEventSerializer Serializer { get; }

    /// <summary>How many events are stored.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _all.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();

        // Serialize outside the lock; a failure here throws before anything is written.
        EventToAppend[] items = AppendInput.Serialize(Serializer, events, _maxEventSize, out SerializedEvent[] serializedEvents);
        var rows = new (EventToAppend Source, SerializedEvent Serialized)[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            rows[i] = (items[i], serializedEvents[i]);
        }

        lock (_gate)
        {
            // One pass decides what is new: ids already stored, or repeated within this append, are duplicates.
            List<Guid> duplicates = AppendRules.FindDuplicates(items, _byId.ContainsKey, new HashSet<Guid>(), out bool[]? isDuplicate) ?? [];
            List<(EventToAppend Source, SerializedEvent Serialized)> fresh = new(rows.Length);
            for (int i = 0; i < rows.Length; i++)
            {
                if (isDuplicate is null || !isDuplicate[i])
                {
                    fresh.Add(rows[i]);
                }
            }

            _streams.TryGetValue(streamId, out List<StoredEvent>? stream);
            long version = stream is null ? -1 : stream[^1].StreamVersion;
            if (!AppendRules.MustWrite(streamId, expectedVersion, version, fresh.Count))
            {
                return ValueTask.FromResult(new AppendResult(version, stream is null ? 0 : stream[^1].Position, 0, duplicates));
            }

            if (stream is null)
            {
                stream = [];
                _streams.Add(streamId, stream);
            }

            foreach ((EventToAppend source, SerializedEvent serialized) in fresh)
            {
                var stored = new StoredEvent(
                    _all.Count + 1, streamId, ++version, source.Event.Id, serialized.EventType, serialized.SchemaVersion, source.Event.OccurredAt,
                    source.CausationId, source.CorrelationId, source.Metadata, serialized.Payload);
                _all.Add(stored);
                stream.Add(stored);
                _byId.Add(stored.EventId, stored);
            }

            return ValueTask.FromResult(new AppendResult(version, _all.Count, fresh.Count, duplicates));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        StoredEvent[] snapshot;
        lock (_gate)
        {
            snapshot = _streams.TryGetValue(streamId, out List<StoredEvent>? stream) && fromVersion < stream.Count
                ? [.. stream.Skip((int)fromVersion)]
                : [];
        }

        foreach (StoredEvent stored in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return stored;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEvent> ReadByTypeAsync(string eventType, long afterPosition = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        return ReadWhereAsync(afterPosition, e => string.Equals(e.EventType, eventType, StringComparison.Ordinal), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default)
        => ReadWhereAsync(afterPosition, static _ => true, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        lock (_gate)
        {
            return ValueTask.FromResult(_streams.TryGetValue(streamId, out List<StoredEvent>? stream) ? stream[^1].StreamVersion : -1L);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> GetLastPositionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult((long)_all.Count);
        }
    }

    private async IAsyncEnumerable<StoredEvent> ReadWhereAsync(long afterPosition, Func<StoredEvent, bool> filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        const int PageSize = 512;
        long position = afterPosition;
        while (true)
        {
            // Page under the lock, yield outside it: appends may continue while a reader walks the store (catch-up).
            List<StoredEvent> page = new(PageSize);
            lock (_gate)
            {
                for (long i = position; i < _all.Count && page.Count < PageSize; i++)
                {
                    position = i + 1;
                    if (filter(_all[(int)i]))
                    {
                        page.Add(_all[(int)i]);
                    }
                }
            }

            if (page.Count == 0)
            {
                break;
            }

            foreach (StoredEvent stored in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return stored;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
