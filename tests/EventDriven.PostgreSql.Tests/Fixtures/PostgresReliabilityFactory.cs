using EventDriven.Reliability;
using EventDriven.Sagas;
using EventDriven.Serialization;

namespace EventDriven.PostgreSql.Tests.Fixtures;

/// <summary>The inbox, saga and dead-letter contracts' database: one schema of the shared throwaway server.</summary>
public sealed class PostgresReliabilityFactory : ReliabilityStoreFactory
{
    private readonly string _schema = PostgresServer.NewSchema();

    public override string Name => "postgresql";

    protected override IInbox CreateInbox(TimeProvider? time) => new PostgresInbox(Options(), time);

    protected override ISagaStore CreateSagaStore() => new PostgresSagaStore(Options());

    protected override IDeadLetterStore CreateDeadLetters(IEventSerializer serializer, TimeProvider? time)
        => new PostgresDeadLetterStore(Options(serializer), time);

    private PostgresStoreOptions Options(IEventSerializer? serializer = null)
        => PostgresStoreFactory.Options(PostgresServer.SharedAsync().GetAwaiter().GetResult(), serializer, _schema);
}
