using EventDriven.Sagas;

namespace EventDriven.Tests.Sagas;

public sealed class SagaTimeoutTests
{
    private readonly InMemorySagaStore _store = new();
    private readonly RecordingBus _bus = new();
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task Timeout_WhenPaymentDoesNotAnswerInTime_TheTimerCompensates()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, _time);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 1m));
        await runtime.HandleAsync(new StockReserved(order));
        Assert.Equal(_time.GetUtcNow() + TestSaga.PaymentTimeout, (await runtime.GetAsync(order))!.TimeoutAt);

        _time.Advance(TestSaga.PaymentTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(SagaStatus.Running, (await runtime.GetAsync(order))!.Status);

        _time.Advance(TimeSpan.FromSeconds(1)); // the in-memory store completes synchronously, so the timer's work is done on return

        SagaSnapshot<TestSagaState>? saga = await runtime.GetAsync(order);
        Assert.Equal(SagaStatus.Compensated, saga!.Status);
        Assert.Equal("timed out", saga.Reason);
        Assert.Null(saga.TimeoutAt);
        Assert.Equal(["StockReserved", "OrderOpened"], _bus.OfType<StepUndone>().Select(u => u.Step));
        Assert.Equal("timed out", Assert.Single(_bus.OfType<OrderAborted>()).Reason);
        Assert.Equal(1, runtime.Counts.TimedOut);
        Assert.Equal(0, await runtime.FireDueTimeoutsAsync());
    }

    [Fact]
    public async Task Timeout_IsDisarmedByTheNextStep()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, _time);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 1m));
        await runtime.HandleAsync(new StockReserved(order));
        _time.Advance(TimeSpan.FromSeconds(10));
        await runtime.HandleAsync(new CardCharged(order));

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(0, await runtime.FireDueTimeoutsAsync());
        Assert.Equal(SagaStatus.Running, (await runtime.GetAsync(order))!.Status);
        Assert.Null((await runtime.GetAsync(order))!.TimeoutAt);
        Assert.Empty(_bus.OfType<StepUndone>());
        Assert.Equal(0, runtime.Counts.TimedOut);
    }

    [Fact]
    public async Task Timeout_ThatRacesTheCompensatingEvent_CompensatesOnce()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, _time);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 1m));
        await runtime.HandleAsync(new StockReserved(order));
        await runtime.HandleAsync(new ChargeDeclined(order));

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, await runtime.FireDueTimeoutsAsync());
        Assert.Equal(2, _bus.OfType<StepUndone>().Count);
        Assert.Equal(0, runtime.Counts.TimedOut);
    }

    [Fact]
    public async Task Timeout_WhoseHandlingThrows_IsTriedAgainWithoutARestart_AndFiresOnce()
    {
        int calls = 0;
        SagaDefinition<TestSagaState> definition = TestSaga.Define().OnTimeout((s, ctx) =>
        {
            if (++calls < 3)
            {
                throw new IOException("the payment provider's status page is down (simulated)");
            }

            ctx.Compensate("timed out after retries");
            return ValueTask.CompletedTask;
        });
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, _time, definition: definition);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 1m));
        await runtime.HandleAsync(new StockReserved(order));

        _time.Advance(TestSaga.PaymentTimeout); // first attempt throws; retried after 1 s
        Assert.Equal((1, SagaStatus.Running), (calls, (await runtime.GetAsync(order))!.Status));
        _time.Advance(TimeSpan.FromSeconds(1)); // second attempt throws; retried after 2 s
        Assert.Equal(2, calls);
        _time.Advance(TimeSpan.FromSeconds(2));

        SagaSnapshot<TestSagaState>? saga = await runtime.GetAsync(order);
        Assert.Equal(3, calls);
        Assert.Equal(SagaStatus.Compensated, saga!.Status);
        Assert.Equal("timed out after retries", saga.Reason);
        Assert.Equal(2, _bus.OfType<StepUndone>().Count);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task OnTimeout_ReplacesTheDefault_AndMayWaitLonger()
    {
        int reminders = 0;
        SagaDefinition<TestSagaState> definition = TestSaga.Define().OnTimeout((s, ctx) =>
        {
            if (++reminders < 3)
            {
                ctx.ScheduleTimeout(TimeSpan.FromSeconds(10));
            }
            else
            {
                ctx.Compensate("gave up after reminders");
            }

            return ValueTask.CompletedTask;
        });
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, _time, definition: definition);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 1m));
        await runtime.HandleAsync(new StockReserved(order));

        _time.Advance(TestSaga.PaymentTimeout);
        Assert.Equal(SagaStatus.Running, (await runtime.GetAsync(order))!.Status);
        _time.Advance(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10));

        SagaSnapshot<TestSagaState>? saga = await runtime.GetAsync(order);
        Assert.Equal(SagaStatus.Compensated, saga!.Status);
        Assert.Equal("gave up after reminders", saga.Reason);
        Assert.Equal(3, reminders);
        Assert.Equal(3, runtime.Counts.TimedOut);
    }

    [Fact]
    public async Task Restart_ANewRuntimeOnTheSameStore_ResumesOpenSagas_AndAnOverdueTimeoutFiresOnStart()
    {
        Guid waiting = Guid.NewGuid();
        Guid overdue = Guid.NewGuid();
        await using (SagaRuntime<TestSagaState> before = TestSaga.CreateRuntime(_store, _bus, _time))
        {
            await before.HandleAsync(new OrderOpened(waiting, 1m));
            await before.HandleAsync(new OrderOpened(overdue, 2m));
            await before.HandleAsync(new StockReserved(overdue));
            await before.StopAsync();
        }

        _time.Advance(TimeSpan.FromMinutes(10)); // the process was down past the payment deadline
        await using SagaRuntime<TestSagaState> after = TestSaga.CreateRuntime(_store, _bus, _time);
        await after.StartAsync();

        Assert.Equal(SagaStatus.Compensated, (await after.GetAsync(overdue))!.Status);
        Assert.Equal(1, after.Counts.TimedOut);

        await after.HandleAsync(new StockReserved(waiting));
        await after.HandleAsync(new CardCharged(waiting));
        await after.HandleAsync(new OrderShipped(waiting));

        SagaSnapshot<TestSagaState>? resumed = await after.GetAsync(waiting);
        Assert.Equal(SagaStatus.Completed, resumed!.Status);
        Assert.Equal(["OrderOpened", "StockReserved", "CardCharged", "OrderShipped"], resumed.State.Seen);
        Assert.Equal(0, after.Counts.Started);
    }
    [Fact]
    public async Task Timeout_LongerThanATimerCanWait_IsArmedOnTheSystemClock_AndTheStepsEventsArePublished()
    {
        // System.Threading.Timer takes at most ~49.7 days; a business timeout ("pay the invoice within 90 days") is longer.
        SagaDefinition<TestSagaState> definition = new SagaDefinition<TestSagaState>("TestSaga")
            .StartsWith<OrderOpened>(e => e.OrderId, (s, e, ctx) =>
            {
                s.OrderId = e.OrderId;
                return ctx.PublishAsync(new ReserveStock(e.OrderId) { Id = ctx.DeriveId(nameof(ReserveStock)) });
            }, timeout: TimeSpan.FromDays(90));
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, TimeProvider.System, definition: definition);
        Guid order = Guid.NewGuid();

        await runtime.HandleAsync(new OrderOpened(order, 1m));

        Assert.Single(_bus.OfType<ReserveStock>());
        SagaSnapshot<TestSagaState>? saga = await runtime.GetAsync(order);
        Assert.Equal(SagaStatus.Running, saga!.Status);
        Assert.NotNull(saga.TimeoutAt);
        Assert.Equal(0, await runtime.FireDueTimeoutsAsync());
    }
}
