using EventDriven.Reliability;
using EventDriven.Sagas;
using EventDriven.Serialization;

namespace EventDriven.Sqlite.Tests.Fixtures;

/// <summary>The inbox, saga and dead-letter contracts' database: one SQLite file.</summary>
public sealed class SqliteReliabilityFactory : ReliabilityStoreFactory
{
    private readonly TempDatabase _file = new();

    public override string Name => "sqlite";

    protected override IInbox CreateInbox(TimeProvider? time)
        => new SqliteInbox(new SqliteStoreOptions { DatabasePath = _file.Path, Synchronous = SqliteSynchronous.Normal }, time);

    protected override ISagaStore CreateSagaStore() => new SqliteSagaStore(_file.Path);

    protected override IDeadLetterStore CreateDeadLetters(IEventSerializer serializer, TimeProvider? time)
        => new SqliteDeadLetterStore(new SqliteStoreOptions { DatabasePath = _file.Path, Serializer = serializer }, time);

    protected override ValueTask DeleteDatabaseAsync()
    {
        _file.Dispose();
        return default;
    }
}
