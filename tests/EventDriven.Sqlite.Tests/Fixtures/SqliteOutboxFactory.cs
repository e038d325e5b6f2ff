using EventDriven.Outbox;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Tests.Fixtures;

/// <summary>The outbox contract's database: one SQLite file.</summary>
public sealed class SqliteOutboxFactory : OutboxStoreFactory
{
    private readonly TempDatabase _file = new();

    public override string Name => "sqlite";

    public override async Task CommitUnitAsync(IEventStore store, string stream, IEvent appended, IEvent sent, bool fail)
    {
        await ((SqliteEventStore)store).BeginUnitOfWork()
            .Append(stream, [new EventToAppend(appended)], ExpectedVersion.Any)
            .Send(sent, stream)
            .Execute((connection, transaction) =>
            {
                if (fail)
                {
                    using SqliteCommand command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = "INSERT INTO no_such_table VALUES (1)";
                    command.ExecuteNonQuery();
                }
            })
            .CommitAsync();
    }

    protected override IEventStore CreateStore(OutboxOptions outbox) => new SqliteEventStore(Options(outbox));

    protected override IOutboxSource CreateOutbox(OutboxOptions outbox) => new SqliteOutbox(Options(outbox));

    protected override EventDriven.Sagas.IAtomicSagaStore CreateSagaStore(OutboxOptions outbox) => new SqliteSagaStore(Options(outbox));

    protected override ValueTask DeleteDatabaseAsync()
    {
        _file.Dispose();
        return default;
    }

    private SqliteStoreOptions Options(OutboxOptions outbox)
    {
        var options = new SqliteStoreOptions { DatabasePath = _file.Path, Synchronous = SqliteSynchronous.Normal, Serializer = TestSerializer.Create() };
        if (outbox.IncludesAll)
        {
            options.Outbox.IncludeAll();
        }

        foreach (string type in outbox.EventTypes)
        {
            options.Outbox.Include(type);
        }

        options.Outbox.PollInterval = outbox.PollInterval;
        return options;
    }
}
