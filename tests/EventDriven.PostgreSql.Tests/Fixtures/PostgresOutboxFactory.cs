using EventDriven.Outbox;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql.Tests.Fixtures;

/// <summary>The outbox contract's database: one schema of the shared throwaway server.</summary>
public sealed class PostgresOutboxFactory : OutboxStoreFactory
{
    private readonly string _schema = PostgresServer.NewSchema();

    public override string Name => "postgresql";

    public override async Task CommitUnitAsync(IEventStore store, string stream, IEvent appended, IEvent sent, bool fail)
    {
        await using PostgresUnitOfWork unit = await ((PostgresEventStore)store).BeginUnitOfWorkAsync();
        unit.Append(stream, [new EventToAppend(appended)], ExpectedVersion.Any).Send(sent, stream);
        if (fail)
        {
            await using var failing = new NpgsqlCommand("INSERT INTO no_such_table VALUES (1)", unit.Connection, unit.Transaction);
            await failing.ExecuteNonQueryAsync();
        }

        await unit.CommitAsync();
    }

    public PostgresStoreOptions Options(OutboxOptions outbox)
    {
        PostgresStoreOptions options = PostgresStoreFactory.Options(PostgresServer.SharedAsync().GetAwaiter().GetResult(), schema: _schema);
        if (outbox.IncludesAll)
        {
            options.Outbox.IncludeAll();
        }

        foreach (string type in outbox.EventTypes)
        {
            options.Outbox.Include(type);
        }

        options.Outbox.PollInterval = outbox.PollInterval;
        options.OutboxPartitions = 4;
        return options;
    }

    protected override IEventStore CreateStore(OutboxOptions outbox) => new PostgresEventStore(Options(outbox));

    protected override IOutboxSource CreateOutbox(OutboxOptions outbox) => new PostgresOutbox(Options(outbox));

    protected override EventDriven.Sagas.IAtomicSagaStore CreateSagaStore(OutboxOptions outbox) => new PostgresSagaStore(Options(outbox));
}
