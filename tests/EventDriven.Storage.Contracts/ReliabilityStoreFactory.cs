using EventDriven.Reliability;
using EventDriven.Sagas;
using EventDriven.Serialization;

namespace EventDriven.Storage.Contracts;

/// <summary>
/// One database of a backend (a SQLite file, a PostgreSQL schema) for the inbox, saga and dead-letter contracts: every Open call opens a
/// new store instance on the same database, so a test can close one and "restart" with the next. Disposes what it opened.
/// </summary>
public abstract class ReliabilityStoreFactory : IAsyncDisposable
{
    private readonly List<object> _opened = [];

    public abstract string Name { get; }

    public IInbox OpenInbox(TimeProvider? time = null) => Track(CreateInbox(time));

    public ISagaStore OpenSagaStore() => Track(CreateSagaStore());

    public IDeadLetterStore OpenDeadLetters(IEventSerializer? serializer = null, TimeProvider? time = null) => Track(CreateDeadLetters(serializer ?? TestSerializer.Create(), time));

    protected abstract IInbox CreateInbox(TimeProvider? time);

    protected abstract ISagaStore CreateSagaStore();

    protected abstract IDeadLetterStore CreateDeadLetters(IEventSerializer serializer, TimeProvider? time);

    /// <summary>Deletes the database (the file, the schema) once every store is disposed.</summary>
    protected virtual ValueTask DeleteDatabaseAsync() => default;

    public async ValueTask DisposeAsync()
    {
        foreach (object store in _opened)
        {
            await CloseAsync(store);
        }

        await DeleteDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    public override string ToString() => Name;

    /// <summary>Disposes a store the way its owner would (asynchronously when it can); twice is harmless.</summary>
    public static async ValueTask CloseAsync(object store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private T Track<T>(T store)
        where T : notnull
    {
        _opened.Add(store);
        return store;
    }
}
