using System.Text;
using EventDriven.Sagas;
using EventDriven.Sqlite.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Tests.Sagas;

/// <summary>A "process" here is a store and a runtime on the database file; a restart disposes both and opens new ones.</summary>
public sealed class SqliteSagaRestartTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly RecordingBus _bus = new();
    private readonly ManualClock _clock = new();

    public void Dispose() => _file.Dispose();

    [Theory]
    [InlineData(SagaDurability.WriteBehind)]
    [InlineData(SagaDurability.AwaitCommit)]
    public async Task Restart_ResumesAnOpenSaga_WhereTheLastProcessLeftIt(SagaDurability durability)
    {
        Guid order = Guid.NewGuid();
        var held = new UnitsHeld(order);
        await using (var store = new SqliteSagaStore(_file.Path))
        await using (SagaRuntime<CheckoutState> before = CheckoutSaga.Create(store, _bus, _clock, durability))
        {
            await before.HandleAsync(new CheckoutStarted(order, 3));
            await before.HandleAsync(held);
        }

        await using (var store = new SqliteSagaStore(_file.Path))
        await using (SagaRuntime<CheckoutState> after = CheckoutSaga.Create(store, _bus, _clock, durability))
        {
            await after.StartAsync();
            await after.HandleAsync(held); // redelivered after the restart: already in the saved journal
            await after.HandleAsync(new PaymentTaken(order));
            await after.HandleAsync(new ParcelShipped(order));

            SagaSnapshot<CheckoutState>? saga = await after.GetAsync(order);
            Assert.Equal(SagaStatus.Completed, saga!.Status);
            Assert.Equal(3, saga.State.Units);
            Assert.True(saga.State.Held && saga.State.Paid);
            Assert.Equal(["CheckoutStarted", "UnitsHeld", "PaymentTaken", "ParcelShipped"], saga.CompletedSteps);
            Assert.Equal(1, after.Counts.DuplicateEventsIgnored);
            Assert.Equal(0, after.Counts.Started);
        }
    }

    [Fact]
    public async Task Restart_AnOverdueTimeout_FiresOnStart_AndCompensatesOnce()
    {
        Guid overdue = Guid.NewGuid();
        Guid notYet = Guid.NewGuid();
        await using (var store = new SqliteSagaStore(_file.Path))
        await using (SagaRuntime<CheckoutState> before = CheckoutSaga.Create(store, _bus, _clock))
        {
            await before.HandleAsync(new CheckoutStarted(overdue, 1));
            await before.HandleAsync(new UnitsHeld(overdue));
            _clock.Advance(TimeSpan.FromSeconds(20));
            await before.HandleAsync(new CheckoutStarted(notYet, 1));
            await before.HandleAsync(new UnitsHeld(notYet));
        }

        _clock.Advance(TimeSpan.FromSeconds(15)); // down for a while: the first payment deadline passed, the second did not
        await using (var store = new SqliteSagaStore(_file.Path))
        await using (SagaRuntime<CheckoutState> after = CheckoutSaga.Create(store, _bus, _clock))
        {
            await after.StartAsync();

            Assert.Equal(SagaStatus.Compensated, (await after.GetAsync(overdue))!.Status);
            Assert.Equal("timed out", (await after.GetAsync(overdue))!.Reason);
            Assert.Equal(SagaStatus.Running, (await after.GetAsync(notYet))!.Status);
            Assert.Equal(overdue, Assert.Single(_bus.OfType<UnitsReleased>()).OrderId);

            _clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(1, await after.FireDueTimeoutsAsync());
            Assert.Equal(0, await after.FireDueTimeoutsAsync());
            Assert.Equal(2, after.Counts.TimedOut);
        }

        // A third start finds nothing open: each timeout fired once, across processes.
        await using (var store = new SqliteSagaStore(_file.Path))
        await using (SagaRuntime<CheckoutState> third = CheckoutSaga.Create(store, _bus, _clock))
        {
            await third.StartAsync();
            Assert.Equal(0, third.Counts.TimedOut);
            Assert.Equal(2, _bus.OfType<UnitsReleased>().Count);
        }
    }

    [Fact]
    public async Task ACorruptRow_FailsThatSagaOnlyWithSagaStateException()
    {
        Guid broken = Guid.NewGuid();
        Guid healthy = Guid.NewGuid();
        await using (var store = new SqliteSagaStore(_file.Path))
        await using (SagaRuntime<CheckoutState> runtime = CheckoutSaga.Create(store, _bus, _clock, SagaDurability.AwaitCommit))
        {
            await runtime.HandleAsync(new CheckoutStarted(broken, 1));
            await runtime.HandleAsync(new CheckoutStarted(healthy, 1));
        }

        await using (SqliteConnection raw = _file.OpenRaw())
        using (SqliteCommand corrupt = raw.CreateCommand())
        {
            corrupt.CommandText = "UPDATE sagas SET state = $junk WHERE correlation_id = $id";
            corrupt.Parameters.AddWithValue("$junk", Encoding.UTF8.GetBytes("{\"state\":{\"Units\":\"many\"}}"));
            corrupt.Parameters.AddWithValue("$id", broken.ToString("D"));
            corrupt.ExecuteNonQuery();
        }

        await using (var store = new SqliteSagaStore(_file.Path))
        await using (SagaRuntime<CheckoutState> runtime = CheckoutSaga.Create(store, _bus, _clock))
        {
            SagaStateException exception = await Assert.ThrowsAsync<SagaStateException>(() => runtime.HandleAsync(new UnitsHeld(broken)).AsTask());
            await runtime.HandleAsync(new UnitsHeld(healthy));

            Assert.Equal(broken.ToString("D"), exception.CorrelationId);
            Assert.Equal("CheckoutSaga", exception.SagaType);
            Assert.True((await runtime.GetAsync(healthy))!.State.Held);
        }
    }

    [Fact]
    public async Task WriteBehind_ASaveThatFailsAtCommit_IsCountedAndTheNextEventReloadsTheStoredInstance()
    {
        Guid order = Guid.NewGuid();
        await using var storeA = new SqliteSagaStore(_file.Path);
        await using var storeB = new SqliteSagaStore(_file.Path);
        await using SagaRuntime<CheckoutState> processA = CheckoutSaga.Create(storeA, _bus, _clock);
        await using SagaRuntime<CheckoutState> processB = CheckoutSaga.Create(storeB, _bus, _clock);
        await processA.HandleAsync(new CheckoutStarted(order, 2));
        await storeA.FlushAsync();
        await processB.HandleAsync(new UnitsHeld(order)); // B moves the instance on: revision 2 in the file
        await storeB.FlushAsync();

        var paid = new PaymentTaken(order);
        await processA.HandleAsync(paid); // A still holds revision 1: its write-behind save fails at commit
        await storeA.FlushAsync();
        await processA.HandleAsync(paid); // redelivered: A reloads revision 2 and applies it there

        await storeA.FlushAsync();
        Assert.Equal(1, processA.Counts.SaveFailures);
        SagaSnapshot<CheckoutState>? saga = await processA.GetAsync(order);
        Assert.Equal(3, saga!.Revision);
        Assert.True(saga.State.Held && saga.State.Paid);
    }

    [Fact]
    public async Task ManySagas_WriteBehind_AllReachTheFile()
    {
        Guid[] orders = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()).ToArray();
        await using (var store = new SqliteSagaStore(_file.Path))
        await using (SagaRuntime<CheckoutState> runtime = CheckoutSaga.Create(store, _bus, _clock))
        {
            foreach (Guid order in orders)
            {
                await runtime.HandleAsync(new CheckoutStarted(order, 1));
                await runtime.HandleAsync(new UnitsHeld(order));
                await runtime.HandleAsync(new PaymentTaken(order));
                await runtime.HandleAsync(new ParcelShipped(order));
            }

            Assert.Equal(0, runtime.Counts.SaveFailures);
        }

        await using SqliteConnection raw = _file.OpenRaw();
        using SqliteCommand count = raw.CreateCommand();
        count.CommandText = "SELECT count(*), sum(revision) FROM sagas WHERE status = 1";
        using SqliteDataReader row = count.ExecuteReader();
        row.Read();
        Assert.Equal(1000L, row.GetInt64(0));
        Assert.Equal(4000L, row.GetInt64(1));
    }
}
