using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Testing.Tests;

/// <summary>An in-memory store whose appends wait for a gate: a store-and-publish batch "being committed" for as long as the test wants.</summary>
internal sealed class GatedEventStore(TaskCompletionSource gate) : IEventStore
{
    private readonly InMemoryEventStore _inner = new();
    private int _appendsWaiting;

    public int AppendsWaiting => Volatile.Read(ref _appendsWaiting);

    public IEventSerializer Serializer => _inner.Serializer;

    public async ValueTask<AppendResult> AppendAsync(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _appendsWaiting);
        await gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Decrement(ref _appendsWaiting);
        return await _inner.AppendAsync(streamId, events, expectedVersion, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 0, CancellationToken cancellationToken = default) => _inner.ReadStreamAsync(streamId, fromVersion, cancellationToken);

    public IAsyncEnumerable<StoredEvent> ReadByTypeAsync(string eventType, long afterPosition = 0, CancellationToken cancellationToken = default) => _inner.ReadByTypeAsync(eventType, afterPosition, cancellationToken);

    public IAsyncEnumerable<StoredEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default) => _inner.ReadAllAsync(afterPosition, cancellationToken);

    public ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default) => _inner.GetStreamVersionAsync(streamId, cancellationToken);

    public ValueTask<long> GetLastPositionAsync(CancellationToken cancellationToken = default) => _inner.GetLastPositionAsync(cancellationToken);
}
