using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.PostgreSql.Tests.Fixtures;

/// <summary>Stores on the shared throwaway server, each in a schema of its own (what a fresh file is to the SQLite tests).</summary>
public sealed class PostgresStoreFactory : StoreFactory
{
    private readonly List<PostgresEventStore> _created = [];

    public override string Name => "postgresql";

    public override IEventStore Create(IEventSerializer? serializer = null)
    {
        PostgresServer server = PostgresServer.SharedAsync().GetAwaiter().GetResult();
        var store = new PostgresEventStore(Options(server, serializer));
        _created.Add(store);
        return store;
    }

    public static PostgresStoreOptions Options(PostgresServer server, IEventSerializer? serializer = null, string? schema = null) => new()
    {
        ConnectionString = server.ConnectionString,
        Schema = schema ?? PostgresServer.NewSchema(),
        Serializer = serializer ?? TestSerializer.Create(),
        MaxEventSize = SmallMaxEventSize,
        ReadPageSize = SmallPageSize,
    };

    public override async ValueTask DisposeAsync()
    {
        foreach (PostgresEventStore store in _created)
        {
            await store.DisposeAsync();
        }
    }
}
