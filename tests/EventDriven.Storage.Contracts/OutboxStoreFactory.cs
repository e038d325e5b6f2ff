using EventDriven.Outbox;
using EventDriven.Store;

namespace EventDriven.Storage.Contracts;

/// <summary>
/// One database of a backend for the outbox contract: an event store whose appends of the included types write outbox rows, the
/// outbox a relay reads, and a unit of work that appends, sends and may fail. Every Open opens a new instance on the same database.
/// </summary>
public abstract class OutboxStoreFactory : IAsyncDisposable
{
    private readonly List<object> _opened = [];

    public abstract string Name { get; }

    public IEventStore OpenStore(OutboxOptions outbox) => Track(CreateStore(outbox));

    public IOutboxSource OpenOutbox(OutboxOptions outbox) => Track(CreateOutbox(outbox));

    /// <summary>The backend's saga store on the same database: it commits a saga step's state with the step's events.</summary>
    public EventDriven.Sagas.IAtomicSagaStore OpenSagaStore(OutboxOptions outbox) => Track(CreateSagaStore(outbox));

    /// <summary>
    /// Commits one unit of work on <paramref name="store"/>: appends <paramref name="appended"/> to <paramref name="stream"/>, sends
    /// <paramref name="sent"/> (not stored) under the same partition key, and, when <paramref name="fail"/>, runs SQL of its own that
    /// throws, so nothing may be written.
    /// </summary>
    public abstract Task CommitUnitAsync(IEventStore store, string stream, IEvent appended, IEvent sent, bool fail);

    protected abstract IEventStore CreateStore(OutboxOptions outbox);

    protected abstract IOutboxSource CreateOutbox(OutboxOptions outbox);

    protected abstract EventDriven.Sagas.IAtomicSagaStore CreateSagaStore(OutboxOptions outbox);

    protected virtual ValueTask DeleteDatabaseAsync() => default;

    public async ValueTask DisposeAsync()
    {
        foreach (object store in _opened)
        {
            await ReliabilityStoreFactory.CloseAsync(store);
        }

        await DeleteDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    public override string ToString() => Name;

    private T Track<T>(T store)
        where T : notnull
    {
        _opened.Add(store);
        return store;
    }
}
