using EventDriven.Reliability;
using EventDriven.Sagas;
using EventDriven.Sqlite.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Tests.UnitOfWork;

public sealed class SqliteUnitOfWorkTests : IDisposable
{
    private const string Consumer = "Shop.Billing.ChargeCard";
    private static readonly DateTimeOffset s_now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task Commit_WritesTheAppendTheMarkTheSagaTheDeadLetterAndTheOwnSql_AndReportsEach()
    {
        await using SqliteEventStore store = Open();
        CreateLedger(store);
        Guid handled = Guid.NewGuid();
        var added = new ItemAdded("cart-1", "sku", 1);

        SqliteUnitOfWorkResult result = await store.BeginUnitOfWork()
            .Append("cart-1", [new EventToAppend(added)], ExpectedVersion.NoStream)
            .MarkHandled(Consumer, handled)
            .MarkHandled(Consumer, handled)
            .SaveSaga(Saga("order-1", 1), expectedRevision: 0)
            .DeadLetter(new DeadLetter(new ItemAdded("cart-9", "bad", 0), Consumer, new InvalidOperationException("declined"), 3, s_now))
            .Execute((connection, transaction) => AddLedgerRow(connection, transaction, handled))
            .CommitAsync();

        Assert.Equal(0, Assert.Single(result.Appends).StreamVersion);
        Assert.Equal([true, false], result.MarksRecorded);
        Assert.Equal(0, await store.GetStreamVersionAsync("cart-1"));
        Assert.Equal(1, CountRows("inbox"));
        Assert.Equal(1, CountRows("sagas"));
        Assert.Equal(1, CountRows("dead_letters"));
        Assert.Equal(1, CountRows("ledger"));
    }

    [Fact]
    public async Task Commit_WhenTheLastPartFails_WritesNoneOfTheParts_AndTheStoreKeepsCountingFromWhatIsStored()
    {
        await using SqliteEventStore store = Open();
        CreateLedger(store);
        await store.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "first", 1))], ExpectedVersion.NoStream);
        await store.BeginUnitOfWork().SaveSaga(Saga("order-1", 1), 0).CommitAsync();
        Guid handled = Guid.NewGuid();

        // The saga part is stale (revision 1 is stored): the append, the mark and the ledger row before it must go too.
        await Assert.ThrowsAsync<SagaConcurrencyException>(() => store.BeginUnitOfWork()
            .Append("cart-1", [new EventToAppend(new ItemAdded("cart-1", "a", 1)), new EventToAppend(new ItemAdded("cart-1", "b", 1))], ExpectedVersion.Exactly(0))
            .MarkHandled(Consumer, handled)
            .Execute((connection, transaction) => AddLedgerRow(connection, transaction, handled))
            .SaveSaga(Saga("order-1", 2), expectedRevision: 0)
            .CommitAsync());

        Assert.Equal(0, await store.GetStreamVersionAsync("cart-1"));
        Assert.Equal(1, await store.GetLastPositionAsync());
        Assert.Equal(0, CountRows("inbox"));
        Assert.Equal(0, CountRows("ledger"));

        // The writer forgot what the rolled-back append taught it: the next append continues from the stored head.
        AppendResult next = await store.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "c", 1))], ExpectedVersion.Exactly(0));
        Assert.Equal(1, next.StreamVersion);
        Assert.Equal(2, next.LastPosition);
    }

    [Fact]
    public async Task Commit_WhenAnAppendConflicts_ThrowsConcurrencyException_AndWritesNothingOfTheUnit()
    {
        await using SqliteEventStore store = Open();
        CreateLedger(store);
        await store.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "first", 1))], ExpectedVersion.NoStream);

        await Assert.ThrowsAsync<ConcurrencyException>(() => store.BeginUnitOfWork()
            .SaveSaga(Saga("order-1", 1), 0)
            .Append("cart-1", [new EventToAppend(new ItemAdded("cart-1", "late", 1))], ExpectedVersion.NoStream)
            .CommitAsync());

        Assert.Equal(0, CountRows("sagas"));
        Assert.Equal(1, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Commit_WhenTheOwnSqlThrows_WritesNothing_AndAUnitIsCommittedOnceOnly()
    {
        await using SqliteEventStore store = Open();
        CreateLedger(store);
        Guid handled = Guid.NewGuid();
        SqliteUnitOfWork unit = store.BeginUnitOfWork()
            .Append("cart-1", [new EventToAppend(new ItemAdded("cart-1", "a", 1))], ExpectedVersion.Any)
            .MarkHandled(Consumer, handled)
            .Execute((connection, transaction) =>
            {
                AddLedgerRow(connection, transaction, handled);
                throw new InvalidOperationException("the handler changed its mind after writing");
            });

        Task<SqliteUnitOfWorkResult> commit = unit.CommitAsync();
        Assert.Contains("changed its mind", (await Assert.ThrowsAsync<InvalidOperationException>(() => commit)).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => unit.CommitAsync());

        Assert.Equal(-1, await store.GetStreamVersionAsync("cart-1"));
        Assert.Equal(0, CountRows("inbox"));
        Assert.Equal(0, CountRows("ledger"));
    }

    [Fact]
    public async Task Units_FromManyThreads_AndPlainAppendsBetweenThem_AllCommitWithDenseVersions()
    {
        await using SqliteEventStore store = Open();
        await using var inbox = new SqliteInbox(new SqliteStoreOptions { DatabasePath = _file.Path });
        const int Units = 200;

        await Task.WhenAll(Enumerable.Range(0, Units).Select(i => Task.Run(async () =>
        {
            Guid handled = Guid.NewGuid();
            await store.BeginUnitOfWork()
                .Append("cart-" + (i % 4), [new EventToAppend(new ItemAdded("cart-" + (i % 4), "u", i))], ExpectedVersion.Any)
                .MarkHandled(Consumer, handled)
                .SaveSaga(Saga("order-" + i, 1), 0)
                .CommitAsync();
            await store.AppendAsync("plain-" + (i % 4), [new EventToAppend(new ItemAdded("plain-" + (i % 4), "p", i))], ExpectedVersion.Any);
            await inbox.MarkProcessedAsync("Other", handled);
        })));

        Assert.Equal(2 * Units, await store.GetLastPositionAsync());
        for (int s = 0; s < 4; s++)
        {
            Assert.Equal((Units / 4) - 1, await store.GetStreamVersionAsync("cart-" + s));
            Assert.Equal((Units / 4) - 1, await store.GetStreamVersionAsync("plain-" + s));
        }

        Assert.Equal(2 * Units, CountRows("inbox"));
        Assert.Equal(Units, CountRows("sagas"));
    }

    [Fact]
    public async Task AFailingUnit_InTheSameGroupAsOtherWrites_FailsAlone_AndTheOthersCommitInThatGroup()
    {
        await using SqliteEventStore store = Open();
        await using var inbox = new SqliteInbox(new SqliteStoreOptions { DatabasePath = _file.Path });
        using var writerInside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        // The first unit holds the writer inside its group until everything after it is queued, so the next three share one group.
        Task<SqliteUnitOfWorkResult> holding = store.BeginUnitOfWork().Execute((_, _) =>
        {
            writerInside.Set();
            release.Wait();
        }).CommitAsync();
        writerInside.Wait();
        long groupsBefore = store.Database.Writer.Groups;

        Task<SqliteUnitOfWorkResult> failing = store.BeginUnitOfWork()
            .Append("cart-1", [new EventToAppend(new ItemAdded("cart-1", "lost", 1))], ExpectedVersion.Any)
            .SaveSaga(Saga("order-1", 1), expectedRevision: 5)
            .CommitAsync();
        ValueTask<AppendResult> append = store.AppendAsync("cart-2", [new EventToAppend(new ItemAdded("cart-2", "kept", 1))], ExpectedVersion.NoStream);
        ValueTask<bool> mark = inbox.MarkProcessedAsync(Consumer, Guid.NewGuid());
        release.Set();

        await holding;
        await Assert.ThrowsAsync<SagaConcurrencyException>(() => failing);
        Assert.Equal(0, (await append).StreamVersion);
        Assert.True(await mark);
        Assert.Equal(groupsBefore + 2, store.Database.Writer.Groups);
        Assert.Equal(-1, await store.GetStreamVersionAsync("cart-1"));
        Assert.Equal(0, CountRows("sagas"));
    }

    [Fact]
    public async Task InboxMarksAndSagaSaves_OnTheSameFile_LeaveTheRememberedStreamHeadsValid_OnlyAnotherConnectionsCommitDropsThem()
    {
        await using SqliteEventStore store = Open();
        var options = new SqliteStoreOptions { DatabasePath = _file.Path };
        await using var inbox = new SqliteInbox(options);
        await using var sagas = new SqliteSagaStore(options);
        await store.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "a", 1))], ExpectedVersion.Any);
        long reloadsAfterFirstAppend = store.Database.Writer.EventHeadReloads;

        for (int i = 0; i < 10; i++)
        {
            await inbox.MarkProcessedAsync(Consumer, Guid.NewGuid());
            await sagas.SaveAsync(Saga("order-" + i, 1), 0);
            await store.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "b", i))], ExpectedVersion.Exactly(i));
        }

        Assert.Same(store.Database, sagas.Database);
        Assert.Equal(reloadsAfterFirstAppend, store.Database.Writer.EventHeadReloads);

        using (SqliteConnection raw = _file.OpenRaw())
        {
            Run(raw, null, "INSERT INTO eventdriven_schema (component, version) VALUES ('someone-else', 1)");
        }

        await store.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "c", 1))], ExpectedVersion.Exactly(10));
        Assert.Equal(reloadsAfterFirstAppend + 1, store.Database.Writer.EventHeadReloads);
    }

    private SqliteEventStore Open() => new(new SqliteStoreOptions { DatabasePath = _file.Path, Serializer = TestSerializer.Create() });

    private static SagaRecord Saga(string id, long revision) => new("OrderSaga", id, revision, SagaStatus.Running, [(byte)'{', (byte)'}'], null, s_now);

    private static void CreateLedger(SqliteEventStore store)
        => store.BeginUnitOfWork()
            .Execute((connection, transaction) => Run(connection, transaction, "CREATE TABLE ledger (event_id BLOB PRIMARY KEY, amount INTEGER NOT NULL)"))
            .CommitAsync().GetAwaiter().GetResult();

    private static void AddLedgerRow(SqliteConnection connection, SqliteTransaction transaction, Guid eventId)
    {
        using SqliteCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO ledger (event_id, amount) VALUES ($id, 100)";
        insert.Parameters.AddWithValue("$id", eventId);
        insert.ExecuteNonQuery();
    }

    private static void Run(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long CountRows(string table)
    {
        using SqliteConnection raw = _file.OpenRaw();
        using SqliteCommand count = raw.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM {table}";
        return (long)count.ExecuteScalar()!;
    }
}
