using EventDriven.Projections;
using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Storage.Contracts;

/// <summary>
/// One backend for the projection contract: an event store, the checkpoints beside it, and the "quantities" projection written for
/// that backend (per cart: the sum of <see cref="ItemAdded.Quantity"/> and the number of ItemAdded events; and every position applied).
/// </summary>
public abstract class ProjectionFixture : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>The store, with <see cref="TestSerializer"/>.</summary>
    public abstract IEventStore Store { get; }

    /// <summary>The same database through another serializer (to meet rows it cannot read).</summary>
    public abstract IEventStore OpenStore(IEventSerializer serializer);

    /// <summary>A runner of the quantities projection named <paramref name="projection"/>; its Apply throws at <paramref name="failAtPosition"/> (0: never).</summary>
    public abstract IProjectionRunner CreateRunner(ProjectionRunnerOptions options, string projection = "quantities", long failAtPosition = 0, IEventStore? store = null);

    /// <summary>The projection's read model as committed.</summary>
    public abstract ValueTask<QuantitiesReadModel> ReadAsync(string projection = "quantities");

    /// <summary>Whether a batch that fails leaves the read model as it was (a database transaction); false in memory.</summary>
    public virtual bool ReadModelIsTransactional => true;

    public abstract ValueTask DisposeAsync();

    public override string ToString() => Name;
}

/// <summary>What the quantities projection committed.</summary>
public sealed record QuantitiesReadModel(IReadOnlyDictionary<string, (long Quantity, long Events)> Carts, IReadOnlyList<long> Positions)
{
    /// <summary>What a from-scratch projection of <paramref name="events"/> (in position order) gives.</summary>
    public static QuantitiesReadModel Expected(IEnumerable<(long Position, ItemAdded Event)> events)
    {
        var carts = new Dictionary<string, (long Quantity, long Events)>(StringComparer.Ordinal);
        List<long> positions = [];
        foreach ((long position, ItemAdded added) in events)
        {
            (long quantity, long count) = carts.GetValueOrDefault(added.StreamId);
            carts[added.StreamId] = (quantity + added.Quantity, count + 1);
            positions.Add(position);
        }

        return new QuantitiesReadModel(carts, positions);
    }

    public void AssertEqual(QuantitiesReadModel actual)
    {
        Assert.Equal(Positions, actual.Positions);
        Assert.Equal(Carts.OrderBy(c => c.Key, StringComparer.Ordinal), actual.Carts.OrderBy(c => c.Key, StringComparer.Ordinal));
    }
}

/// <summary>The quantities projection's logic, the same for every backend: only the writes differ.</summary>
public static class Quantities
{
    /// <summary>The cart and quantity an event adds, or null for an event the projection ignores.</summary>
    public static (string Cart, int Quantity)? Of(IEvent @event, StoredEvent stored, long failAtPosition)
    {
        if (failAtPosition > 0 && stored.Position == failAtPosition)
        {
            throw new InvalidOperationException($"the projection refuses position {stored.Position}");
        }

        return @event is ItemAdded added ? (added.StreamId, added.Quantity) : null;
    }
}

/// <summary>The quantities projection in memory.</summary>
public sealed class InMemoryQuantities(string name) : IProjection<InMemoryProjectionWriter>
{
    /// <summary>Apply throws at this position (0: never).</summary>
    public long FailAtPosition { get; set; }

    private readonly Dictionary<string, (long Quantity, long Events)> _carts = new(StringComparer.Ordinal);
    private readonly List<long> _positions = [];

    public string Name => name;

    public QuantitiesReadModel Read()
    {
        lock (_carts)
        {
            return new QuantitiesReadModel(new Dictionary<string, (long, long)>(_carts, StringComparer.Ordinal), [.. _positions]);
        }
    }

    public void Setup(InMemoryProjectionWriter writer)
    {
    }

    public void Apply(IEvent @event, StoredEvent stored, InMemoryProjectionWriter writer)
    {
        if (Quantities.Of(@event, stored, FailAtPosition) is not { } added)
        {
            return;
        }

        lock (_carts)
        {
            (long quantity, long count) = _carts.GetValueOrDefault(added.Cart);
            _carts[added.Cart] = (quantity + added.Quantity, count + 1);
            _positions.Add(stored.Position);
        }
    }

    public void Reset(InMemoryProjectionWriter writer)
    {
        lock (_carts)
        {
            _carts.Clear();
            _positions.Clear();
        }
    }
}

/// <summary>
/// In memory: the read model and checkpoints of one fixture are shared by its runners, as one process's would be. A batch that fails
/// half-way is not undone in memory (<see cref="ReadModelIsTransactional"/> is false).
/// </summary>
public sealed class InMemoryProjectionFixture : ProjectionFixture
{
    private readonly InMemoryEventStore _store = new(TestSerializer.Create());
    private readonly InMemoryProjectionCheckpoints _checkpoints = new();
    private readonly Dictionary<string, InMemoryQuantities> _projections = new(StringComparer.Ordinal);

    public override string Name => "in-memory";

    public override IEventStore Store => _store;

    public override bool ReadModelIsTransactional => false;

    public override IEventStore OpenStore(IEventSerializer serializer) => new SerializerSwap(_store, serializer);

    public override IProjectionRunner CreateRunner(ProjectionRunnerOptions options, string projection = "quantities", long failAtPosition = 0, IEventStore? store = null)
    {
        if (!_projections.TryGetValue(projection, out InMemoryQuantities? model))
        {
            model = new InMemoryQuantities(projection);
            _projections.Add(projection, model);
        }

        model.FailAtPosition = failAtPosition;
        return new ProjectionRunner<InMemoryProjectionWriter>(store ?? _store, model, _checkpoints, options);
    }

    public override ValueTask<QuantitiesReadModel> ReadAsync(string projection = "quantities")
        => new(_projections.TryGetValue(projection, out InMemoryQuantities? model) ? model.Read() : new QuantitiesReadModel(new Dictionary<string, (long, long)>(), []));

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The in-memory store read through another serializer.</summary>
    private sealed class SerializerSwap(InMemoryEventStore store, IEventSerializer serializer) : IEventStore
    {
        public IEventSerializer Serializer => serializer;

        public ValueTask<AppendResult> AppendAsync(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default)
            => store.AppendAsync(streamId, events, expectedVersion, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 0, CancellationToken cancellationToken = default) => store.ReadStreamAsync(streamId, fromVersion, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadByTypeAsync(string eventType, long afterPosition = 0, CancellationToken cancellationToken = default) => store.ReadByTypeAsync(eventType, afterPosition, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default) => store.ReadAllAsync(afterPosition, cancellationToken);

        public ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default) => store.GetStreamVersionAsync(streamId, cancellationToken);

        public ValueTask<long> GetLastPositionAsync(CancellationToken cancellationToken = default) => store.GetLastPositionAsync(cancellationToken);
    }
}
