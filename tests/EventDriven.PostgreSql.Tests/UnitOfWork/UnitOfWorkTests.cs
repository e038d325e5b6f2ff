using EventDriven.PostgreSql.Tests.Fixtures;
using EventDriven.Reliability;
using EventDriven.Sagas;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql.Tests.UnitOfWork;

/// <summary>
/// The user's own SQL, the inbox mark, a saga save, a dead letter and event appends in one PostgreSQL transaction: all committed, or
/// none; on a transaction the store opens or on the user's own; exactly once between concurrent transactions.
/// </summary>
public sealed class UnitOfWorkTests : IAsyncLifetime
{
    private const string Consumer = "Shop.Billing.ChargeCard";
    private PostgresServer _server = null!;
    private string _schema = null!;
    private PostgresEventStore _store = null!;
    private PostgresInbox _inbox = null!;
    private PostgresSagaStore _sagas = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _schema = PostgresServer.NewSchema();
        _store = new PostgresEventStore(PostgresStoreFactory.Options(_server, schema: _schema));
        _inbox = new PostgresInbox(PostgresStoreFactory.Options(_server, schema: _schema));
        _sagas = new PostgresSagaStore(PostgresStoreFactory.Options(_server, schema: _schema));
        await _store.EnsureUnitOfWorkTablesAsync();
        await ExecuteAsync($"CREATE TABLE {_schema}.ledger (event_id uuid PRIMARY KEY, amount integer NOT NULL)");
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _inbox.DisposeAsync();
        await _sagas.DisposeAsync();
    }

    [Fact]
    public async Task EveryPart_CommitsTogether()
    {
        Guid handled = Guid.NewGuid();
        await using PostgresUnitOfWork work = await _store.BeginUnitOfWorkAsync();

        Assert.True(await work.MarkHandledAsync(Consumer, handled));
        await AddLedgerRowAsync(work.Connection, work.Transaction, handled);
        await work.SaveSagaAsync(new SagaRecord("Checkout", "order-1", 1, SagaStatus.Running, "{}"u8.ToArray(), null, DateTimeOffset.UnixEpoch), 0);
        long letter = await work.DeadLetterAsync(new DeadLetter(new ItemAdded("cart-9", "A", 1), "Shop.Stock.Reserve", new TimeoutException("down"), 3, DateTimeOffset.UnixEpoch));
        work.Append("order-1", [new EventToAppend(new ItemAdded("order-1", "A", 1)), new EventToAppend(new ItemAdded("order-1", "B", 2))], ExpectedVersion.NoStream);
        IReadOnlyList<AppendResult> appended = await work.CommitAsync();

        Assert.Equal(2, Assert.Single(appended).Appended);
        Assert.True(await _inbox.HasProcessedAsync(Consumer, handled));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM {_schema}.ledger"));
        Assert.Equal(1, (await _sagas.LoadAsync("Checkout", "order-1"))!.Revision);
        Assert.True(letter > 0);
        Assert.Equal(1, await _store.GetStreamVersionAsync("order-1"));
    }

    [Fact]
    public async Task AStaleExpectedVersion_FailsTheCommit_AndNothingOfTheUnitIsWritten()
    {
        await _store.AppendAsync("order-1", [new EventToAppend(new ItemAdded("order-1", "A", 1))], ExpectedVersion.NoStream);
        Guid handled = Guid.NewGuid();

        await using (PostgresUnitOfWork work = await _store.BeginUnitOfWorkAsync())
        {
            Assert.True(await work.MarkHandledAsync(Consumer, handled));
            await AddLedgerRowAsync(work.Connection, work.Transaction, handled);
            work.Append("order-1", [new EventToAppend(new ItemAdded("order-1", "B", 1))], ExpectedVersion.NoStream);

            var conflict = await Assert.ThrowsAsync<ConcurrencyException>(async () => await work.CommitAsync());
            Assert.Equal(0, conflict.ActualVersion);
        }

        Assert.False(await _inbox.HasProcessedAsync(Consumer, handled));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM {_schema}.ledger"));
        Assert.Equal(0, await _store.GetStreamVersionAsync("order-1"));
    }

    [Fact]
    public async Task InTheUsersOwnTransaction_TheAppendsAndTheMarkCommitAndRollBackWithIt()
    {
        Guid kept = Guid.NewGuid();
        Guid dropped = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();

        await using (NpgsqlTransaction rolledBack = await connection.BeginTransactionAsync())
        {
            PostgresUnitOfWork work = _store.BeginUnitOfWork(connection, rolledBack);
            Assert.True(await work.MarkHandledAsync(Consumer, dropped));
            work.Append("order-2", [new EventToAppend(new ItemAdded("order-2", "A", 1))], ExpectedVersion.NoStream);
            await work.WriteAppendsAsync();
            await rolledBack.RollbackAsync();
        }

        await using (NpgsqlTransaction committed = await connection.BeginTransactionAsync())
        {
            PostgresUnitOfWork work = _store.BeginUnitOfWork(connection, committed);
            Assert.True(await work.MarkHandledAsync(Consumer, kept));
            await AddLedgerRowAsync(connection, committed, kept);
            work.Append("order-2", [new EventToAppend(new ItemAdded("order-2", "B", 1))], ExpectedVersion.NoStream);
            await work.WriteAppendsAsync();
            await committed.CommitAsync();
        }

        Assert.False(await _inbox.HasProcessedAsync(Consumer, dropped));
        Assert.True(await _inbox.HasProcessedAsync(Consumer, kept));
        Assert.Equal(0, await _store.GetStreamVersionAsync("order-2"));
        Assert.Equal(1, await _store.GetLastPositionAsync()); // the rolled-back append took no position
    }

    [Fact]
    public async Task TwoTransactionsHandlingTheSameEvent_OnlyOneDoesTheWork_TheOtherWaitsAndFindsItDone()
    {
        Guid handled = Guid.NewGuid();
        await using PostgresUnitOfWork first = await _store.BeginUnitOfWorkAsync();
        await using PostgresUnitOfWork second = await _store.BeginUnitOfWorkAsync();
        Assert.True(await first.MarkHandledAsync(Consumer, handled));

        // The second one's mark waits on the first one's uncommitted row; it cannot finish before the first commits.
        Task<bool> secondMark = second.MarkHandledAsync(Consumer, handled).AsTask();
        await WaitUntilBlockedAsync();
        Assert.False(secondMark.IsCompleted);
        await AddLedgerRowAsync(first.Connection, first.Transaction, handled);
        await first.CommitAsync();

        Assert.False(await secondMark);
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM {_schema}.ledger"));
    }

    [Fact]
    public async Task ExecuteOnce_CommitsTheWorkAndTheMarkTogether_SkipsTheSecondTime_AndAFailedWorkWritesNeither()
    {
        Guid paid = Guid.NewGuid();
        Guid refused = Guid.NewGuid();
        int runs = 0;

        Assert.True(await _inbox.ExecuteOnceAsync(Consumer, paid, async (c, t, ct) => { runs++; await AddLedgerRowAsync(c, t, paid); }));
        Assert.False(await _inbox.ExecuteOnceAsync(Consumer, paid, async (c, t, ct) => { runs++; await AddLedgerRowAsync(c, t, paid); }));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () => await _inbox.ExecuteOnceAsync(Consumer, refused, async (c, t, ct) =>
        {
            await AddLedgerRowAsync(c, t, refused);
            throw new InvalidOperationException("the payment gateway said no after the row was written");
        }));

        Assert.Equal(1, runs);
        Assert.Contains("gateway", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM {_schema}.ledger"));
        Assert.False(await _inbox.HasProcessedAsync(Consumer, refused));
        Assert.False(await _inbox.MarkProcessedAsync(Consumer, paid)); // what InboxDispatch does after the handler: already there
    }

    [Fact]
    public async Task AUnitIsUsedOnce()
    {
        await using PostgresUnitOfWork work = await _store.BeginUnitOfWorkAsync();
        await work.CommitAsync();

        var reused = Assert.Throws<InvalidOperationException>(() => work.Append("x", [new EventToAppend(new ItemAdded("x", "A", 1))], ExpectedVersion.Any));
        Assert.Contains("start a new one", reused.Message, StringComparison.Ordinal);
    }

    private async Task WaitUntilBlockedAsync()
    {
        // An exact condition, not a sleep: the server says a backend's insert into this test's inbox is waiting for a lock.
        while (await ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO {_schema}.inbox%'") == 0)
        {
            await Task.Yield();
        }
    }

    private async Task AddLedgerRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid eventId)
    {
        await using var insert = new NpgsqlCommand($"INSERT INTO {_schema}.ledger (event_id, amount) VALUES ($1, 100)", connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        await insert.ExecuteNonQueryAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
