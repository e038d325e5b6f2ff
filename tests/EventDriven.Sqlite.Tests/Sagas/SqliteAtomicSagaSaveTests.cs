using EventDriven.Sagas;
using EventDriven.Sqlite.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Tests.Sagas;

/// <summary>A step's state and the events it publishes commit in one transaction: both or neither.</summary>
public sealed class SqliteAtomicSagaSaveTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task TheStateAndTheEvents_CommitTogether_WithTheEventsOutboxRows()
    {
        var options = new SqliteStoreOptions { DatabasePath = _file.Path };
        options.Outbox.Include("RefundIssued");
        await using var events = new SqliteEventStore(options);
        await using var sagas = new SqliteSagaStore(options);
        Guid causation = Guid.NewGuid();
        var refund = new RefundIssued(Guid.NewGuid());

        await sagas.SaveWithEventsAsync(Record("a", 1), 0, [new SagaStepEvent("order-a", new EventToAppend(refund, causation, causation))]);

        Assert.Equal(1, (await sagas.LoadAsync("S", "a"))!.Revision);
        StoredEvent stored = Assert.Single(await ReadAllAsync(events));
        Assert.Equal((refund.Id, "order-a", (Guid?)causation), (stored.EventId, stored.StreamId, stored.CausationId));
        Assert.Equal(1, Count("SELECT count(*) FROM outbox"));

        // The bus storing the same event again after the step keeps one copy and writes no second outbox row.
        AppendResult again = await events.AppendAsync("order-a", [new EventToAppend(refund, causation, causation)], ExpectedVersion.Any);
        Assert.Equal([refund.Id], again.Duplicates);
        Assert.Equal(1, Count("SELECT count(*) FROM outbox"));
    }

    [Fact]
    public async Task AStaleRevision_WritesNeitherTheStateNorTheEvents()
    {
        var options = new SqliteStoreOptions { DatabasePath = _file.Path };
        await using var events = new SqliteEventStore(options);
        await using var sagas = new SqliteSagaStore(options);
        await sagas.SaveAsync(Record("a", 1), 0);

        await Assert.ThrowsAsync<SagaConcurrencyException>(async () =>
            await sagas.SaveWithEventsAsync(Record("a", 1), 0, [new SagaStepEvent("order-a", new EventToAppend(new RefundIssued(Guid.NewGuid())))]));

        Assert.Empty(await ReadAllAsync(events));
        Assert.Equal(1, (await sagas.LoadAsync("S", "a"))!.Revision);
    }

    private long Count(string sql)
    {
        using SqliteConnection raw = _file.OpenRaw();
        using SqliteCommand command = raw.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static async Task<List<StoredEvent>> ReadAllAsync(IEventStore store)
    {
        List<StoredEvent> all = [];
        await foreach (StoredEvent e in store.ReadAllAsync())
        {
            all.Add(e);
        }

        return all;
    }

    private static SagaRecord Record(string id, long revision) => new("S", id, revision, SagaStatus.Running, [(byte)'{', (byte)'}'], null, s_now);
}

/// <summary>What the saga of these tests publishes.</summary>
public sealed record RefundIssued(Guid OrderId) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "RefundIssued";
    public string Source => "SqliteSagaTests";
}
