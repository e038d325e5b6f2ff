using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Sqlite.Tests.Fixtures;

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
