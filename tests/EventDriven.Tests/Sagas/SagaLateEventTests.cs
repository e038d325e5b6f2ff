using EventDriven.Sagas;
using EventDriven.Testing;
using Microsoft.Extensions.Logging;

namespace EventDriven.Tests.Sagas;

/// <summary>
/// Late events: a reply that reaches an instance after it finished (the classic case: the payment is captured after the saga's
/// timeout compensated the order). Every race is made to happen on purpose, with the manual clock, never by sleeping.
/// </summary>
public sealed class SagaLateEventTests
{
    private readonly InMemorySagaStore _store = new();
    private readonly RecordingBus _bus = new();
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task LateCapture_AfterTheTimeoutCompensated_RunsWhenLateOnce_WithTheCompensationReasonAndDerivedIds()
    {
        await using SagaRuntime<TestSagaState> runtime = CreateRuntime();
        Guid order = Guid.NewGuid();
        await ReserveThenTimeOutAsync(runtime, order);
        var charged = new CardCharged(order);

        await runtime.HandleAsync(charged);

        RefundRequested refund = Assert.Single(_bus.OfType<RefundRequested>());
        Assert.Equal(DeterministicId.From(charged.Id, "refund"), refund.Id);
        Assert.Equal(charged.Id, refund.ChargeId);
        Assert.Equal("refund after: timed out", Assert.Single((await runtime.GetAsync(order))!.State.Seen, s => s.StartsWith("refund", StringComparison.Ordinal)));
        Assert.Equal(SagaStatus.Compensated, (await runtime.GetAsync(order))!.Status);
        Assert.Equal(1, runtime.Counts.LateEventsHandled);
        Assert.Equal(0, runtime.Counts.LateEventsIgnored);
        Assert.Equal(2, _bus.OfType<StepUndone>().Count); // the compensation itself is not run again
    }

    [Fact]
    public async Task LateCapture_Redelivered_IsRefundedOnce_EvenByAFreshRuntimeOnTheSameStore()
    {
        Guid order = Guid.NewGuid();
        var charged = new CardCharged(order);
        await using (SagaRuntime<TestSagaState> runtime = CreateRuntime())
        {
            await ReserveThenTimeOutAsync(runtime, order);
            await runtime.HandleAsync(charged);
            await runtime.HandleAsync(charged);
            Assert.Equal(1, runtime.Counts.DuplicateEventsIgnored);
        }

        await using SagaRuntime<TestSagaState> restarted = CreateRuntime();
        await restarted.HandleAsync(charged);

        Assert.Single(_bus.OfType<RefundRequested>());
        Assert.Equal(1, restarted.Counts.DuplicateEventsIgnored);
        Assert.Equal(0, restarted.Counts.LateEventsHandled);
    }

    [Fact]
    public async Task StepEventFirst_ThenTheDueTimeout_TheTimeoutIsStaleAndDoesNothing()
    {
        await using SagaRuntime<TestSagaState> runtime = CreateRuntime();
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 5m));
        await runtime.HandleAsync(new StockReserved(order));
        DateTimeOffset due = (await runtime.GetAsync(order))!.TimeoutAt!.Value;

        // Both are due at the same instant: the charge takes the instance's lock first, so the timeout it disarmed no longer matches.
        await runtime.HandleAsync(new CardCharged(order));
        _time.Advance(due - _time.GetUtcNow());

        Assert.Equal(0, await runtime.FireDueTimeoutsAsync());
        Assert.Equal(SagaStatus.Running, (await runtime.GetAsync(order))!.Status);
        Assert.Empty(_bus.OfType<StepUndone>());
        Assert.Empty(_bus.OfType<RefundRequested>());
        Assert.Equal(0, runtime.Counts.TimedOut);
    }

    [Fact]
    public async Task TimeoutAndStepEventDueTogether_RacingOnManyInstances_EachEndsWithExactlyOneOutcome()
    {
        // The timeout pass and the step events race for the instances' locks on 200 instances at once. Whichever wins an instance, its
        // outcome is one of the two documented ones, never both and never neither: charge first → running, timeout stale; timeout
        // first → compensated, and the charge is late → refunded. The clock's timer never fires: the test runs the pass itself, so
        // it knows when the pass is over.
        var clock = new ManualClock();
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, clock, definition: WithRefund());
        Guid[] orders = [.. Enumerable.Range(0, 200).Select(_ => Guid.NewGuid())];
        foreach (Guid order in orders)
        {
            await runtime.HandleAsync(new OrderOpened(order, 1m));
            await runtime.HandleAsync(new StockReserved(order));
        }

        clock.Now += TestSaga.PaymentTimeout;
        using var go = new ManualResetEventSlim();
        Task charges = Task.Run(async () =>
        {
            go.Wait();
            foreach (Guid order in orders)
            {
                await runtime.HandleAsync(new CardCharged(order));
            }
        });
        Task<int> timeouts = Task.Run(async () =>
        {
            go.Wait();
            return await runtime.FireDueTimeoutsAsync();
        });
        go.Set();
        await Task.WhenAll(charges, timeouts);

        int compensated = 0;
        foreach (Guid order in orders)
        {
            SagaSnapshot<TestSagaState> saga = (await runtime.GetAsync(order))!;
            int refunds = _bus.OfType<RefundRequested>().Count(r => r.OrderId == order);
            int aborted = _bus.OfType<OrderAborted>().Count(a => a.OrderId == order);
            if (saga.Status == SagaStatus.Compensated)
            {
                compensated++;
                Assert.Equal((1, 1), (refunds, aborted));
            }
            else
            {
                Assert.Equal(SagaStatus.Running, saga.Status);
                Assert.Equal((0, 0), (refunds, aborted));
                Assert.Null(saga.TimeoutAt);
            }
        }

        Assert.Equal(compensated, await timeouts);
        Assert.Equal(compensated, runtime.Counts.TimedOut);
        Assert.Equal(compensated, runtime.Counts.LateEventsHandled);
        Assert.Equal(0, await runtime.FireDueTimeoutsAsync());
    }

    [Fact]
    public async Task LateEvent_WithoutWhenLate_IsCountedAndLoggedAsAWarningNamingSagaInstanceTypeAndId()
    {
        var logger = new CapturingLogger();
        await using var runtime = new SagaRuntime<TestSagaState>(TestSaga.Define(), SagaTestJsonContext.Default.TestSagaState, _store, _bus, new SagaOptions(), _time, logger);
        Guid order = Guid.NewGuid();
        await ReserveThenTimeOutAsync(runtime, order);
        var shipped = new ShippingBooked(order);

        await runtime.HandleAsync(shipped);

        Assert.Equal(1, runtime.Counts.LateEventsIgnored);
        (LogLevel level, string name, string message) = Assert.Single(logger.Entries, e => e.EventName == "SagaLateEvent");
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("TestSaga", message, StringComparison.Ordinal);
        Assert.Contains(order.ToString("D"), message, StringComparison.Ordinal);
        Assert.Contains("ShippingBooked", message, StringComparison.Ordinal);
        Assert.Contains(shipped.Id.ToString("D"), message, StringComparison.Ordinal);
        Assert.Contains("Compensated", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LateEvent_WithoutWhenLate_AndTheThrowOption_GoesToTheBusAsSagaLateEventException()
    {
        await using SagaRuntime<TestSagaState> runtime = CreateRuntime(o => o.LateEvents = SagaLateEventBehavior.Throw);
        Guid order = Guid.NewGuid();
        await ReserveThenTimeOutAsync(runtime, order);
        var shipped = new ShippingBooked(order);

        SagaLateEventException thrown = await Assert.ThrowsAsync<SagaLateEventException>(() => runtime.HandleAsync(shipped).AsTask());

        Assert.Equal((order.ToString("D"), "ShippingBooked", shipped.Id, SagaStatus.Compensated), (thrown.CorrelationId, thrown.EventType, thrown.EventId, thrown.Status));
        Assert.Contains("WhenLate<ShippingBooked>", thrown.Message, StringComparison.Ordinal);

        // A redelivery of an event the instance did handle is a duplicate, never a late event: it does not throw.
        await runtime.HandleAsync(new CardCharged(order));
        Assert.Equal(1, runtime.Counts.LateEventsHandled);
    }

    [Fact]
    public async Task WhenLate_ThatThrows_PublishesNothingAndRecordsNothing_SoTheRedeliveryRunsItAgain()
    {
        int calls = 0;
        SagaDefinition<TestSagaState> definition = TestSaga.Define().WhenLate<CardCharged>((s, e, ctx) =>
        {
#pragma warning disable ED0001 // a saga context's publish is a publish; only the test's recording bus reads this one
            ctx.PublishAsync(new RefundRequested(s.OrderId, e.Id) { Id = ctx.DeriveId("refund") });
#pragma warning restore ED0001
            return ++calls == 1 ? throw new IOException("the refund API is down (simulated)") : ValueTask.CompletedTask;
        });
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, _time, definition: definition);
        Guid order = Guid.NewGuid();
        await ReserveThenTimeOutAsync(runtime, order);
        var charged = new CardCharged(order);

        await Assert.ThrowsAsync<IOException>(() => runtime.HandleAsync(charged).AsTask());
        Assert.Empty(_bus.OfType<RefundRequested>());

        await runtime.HandleAsync(charged);
        Assert.Single(_bus.OfType<RefundRequested>());
        Assert.Equal(1, runtime.Counts.LateEventsHandled);
    }

    [Fact]
    public async Task WhenLate_CannotChangeTheOutcome_CompleteOrCompensateOrTimeoutsThrow()
    {
        SagaDefinition<TestSagaState> definition = TestSaga.Define().WhenLate<CardCharged>((s, e, ctx) =>
        {
            ctx.Complete();
            return ValueTask.CompletedTask;
        });
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, _time, definition: definition);
        Guid order = Guid.NewGuid();
        await ReserveThenTimeOutAsync(runtime, order);

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.HandleAsync(new CardCharged(order)).AsTask());

        Assert.Contains("cannot call Complete", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(SagaStatus.Compensated, (await runtime.GetAsync(order))!.Status);
    }

    [Fact]
    public void WhenLate_MayComeBeforeTheRole_ButNeedsOne_AndOnlyOnce()
    {
        var ok = new SagaDefinition<TestSagaState>("Early")
            .WhenLate<CardCharged>((s, e, ctx) => default)
            .StartsWith<OrderOpened>(e => e.OrderId, (s, e, ctx) => default)
            .Step<CardCharged>(e => e.OrderId, (s, e, ctx) => default);
        _ = new SagaRuntime<TestSagaState>(ok, SagaTestJsonContext.Default.TestSagaState, _store, _bus);

        var missing = new SagaDefinition<TestSagaState>("Missing")
            .StartsWith<OrderOpened>(e => e.OrderId, (s, e, ctx) => default)
            .WhenLate<CardCharged>((s, e, ctx) => default);
        InvalidOperationException noRole = Assert.Throws<InvalidOperationException>(() => new SagaRuntime<TestSagaState>(missing, SagaTestJsonContext.Default.TestSagaState, _store, _bus));
        Assert.Contains("WhenLate<CardCharged> but no role", noRole.Message, StringComparison.Ordinal);

        InvalidOperationException twice = Assert.Throws<InvalidOperationException>(() => TestSaga.Define().WhenLate<CardCharged>((s, e, ctx) => default).WhenLate<CardCharged>((s, e, ctx) => default));
        Assert.Contains("twice", twice.Message, StringComparison.Ordinal);
    }

    private static SagaDefinition<TestSagaState> WithRefund()
        => TestSaga.Define().WhenLate<CardCharged>(static (s, e, ctx) =>
        {
            s.Seen.Add("refund after: " + ctx.CompensationReason);
#pragma warning disable ED0001 // a saga context's publish is a publish; only the test's recording bus reads this one
            return ctx.PublishAsync(new RefundRequested(s.OrderId, e.Id) { Id = ctx.DeriveId("refund") });
#pragma warning restore ED0001
        });

    private SagaRuntime<TestSagaState> CreateRuntime(Action<SagaOptions>? configure = null)
        => TestSaga.CreateRuntime(_store, _bus, _time, configure, WithRefund());

    /// <summary>Opens and reserves <paramref name="order"/>, then lets its payment timeout fire: the instance is compensated ("timed out").</summary>
    private async Task ReserveThenTimeOutAsync(SagaRuntime<TestSagaState> runtime, Guid order)
    {
        await runtime.HandleAsync(new OrderOpened(order, 5m));
        await runtime.HandleAsync(new StockReserved(order));
        _time.Advance(TestSaga.PaymentTimeout);
        Assert.Equal(SagaStatus.Compensated, (await runtime.GetAsync(order))!.Status);
    }
}
