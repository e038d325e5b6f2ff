using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Sqlite.Tests.Fixtures;

/// <summary>Creates the stores one test class needs and disposes them (and their files) when the class's test ends.</summary>
public abstract class StoreFactory : IAsyncDisposable
{
    /// <summary>A small page, so every read in the tests crosses page boundaries.</summary>
    public const int SmallPageSize = 7;

    /// <summary>A limit the tests can go over cheaply.</summary>
    public const int SmallMaxEventSize = 4096;

    public abstract string Name { get; }

    public abstract IEventStore Create(IEventSerializer? serializer = null);

    public abstract ValueTask DisposeAsync();

    public override string ToString() => Name;
}

public sealed class InMemoryStoreFactory : StoreFactory
{
    public override string Name => "in-memory";

    public override IEventStore Create(IEventSerializer? serializer = null)
        => new InMemoryEventStore(serializer ?? TestSerializer.Create(), SmallMaxEventSize);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class SqliteStoreFactory(SqliteSynchronous synchronous = SqliteSynchronous.Full) : StoreFactory
{
    private readonly List<(SqliteEventStore Store, TempDatabase File)> _created = [];

    public override string Name => "sqlite";

    public override IEventStore Create(IEventSerializer? serializer = null)
    {
        var file = new TempDatabase();
        var store = new SqliteEventStore(new SqliteStoreOptions
        {
            DatabasePath = file.Path,
            Serializer = serializer ?? TestSerializer.Create(),
            MaxEventSize = SmallMaxEventSize,
            ReadPageSize = SmallPageSize,
            Synchronous = synchronous,
        });
        _created.Add((store, file));
        return store;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach ((SqliteEventStore store, TempDatabase file) in _created)
        {
            await store.DisposeAsync();
            file.Dispose();
        }
    }
}
