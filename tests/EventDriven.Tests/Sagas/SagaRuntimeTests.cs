using EventDriven.Sagas;

namespace EventDriven.Tests.Sagas;

public sealed class SagaRuntimeTests
{
    private readonly InMemorySagaStore _store = new();
    private readonly RecordingBus _bus = new();

    [Fact]
    public async Task HappyPath_StepsInOrder_CompletesWithEveryStepRecordedAndNothingUndone()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);
        Guid order = Guid.NewGuid();

        await runtime.HandleAsync(new OrderOpened(order, 42m));
        await runtime.HandleAsync(new StockReserved(order));
        await runtime.HandleAsync(new CardCharged(order));
        await runtime.HandleAsync(new ShippingBooked(order));
        await runtime.HandleAsync(new OrderShipped(order));

        SagaSnapshot<TestSagaState>? saga = await runtime.GetAsync(order);
        Assert.NotNull(saga);
        Assert.Equal(SagaStatus.Completed, saga.Status);
        Assert.Equal(42m, saga.State.Amount);
        Assert.Equal(["OrderOpened", "StockReserved", "CardCharged", "ShippingBooked", "OrderShipped"], saga.State.Seen);
        Assert.Equal(["OrderOpened", "StockReserved", "CardCharged", "ShippingBooked", "OrderShipped"], saga.CompletedSteps);
        Assert.Empty(saga.CompensatedSteps);
        Assert.Null(saga.TimeoutAt);
        Assert.Equal(5, saga.Revision);
        Assert.Equal([typeof(ReserveStock)], _bus.Published.Select(e => e.GetType()));
        Assert.Equal(new SagaCounts(Started: 1, StepsHandled: 5, Completed: 1, Compensated: 0, TimedOut: 0, CompensationsRun: 0, LateEventsIgnored: 0, DuplicateEventsIgnored: 0, OrphanEvents: 0, SaveFailures: 0), runtime.Counts);
    }

    [Fact]
    public async Task CompensateOn_RunsEachCompletedStepsCompensationNewestFirst_ThenWhenCompensated()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);
        Guid order = Guid.NewGuid();

        await runtime.HandleAsync(new OrderOpened(order, 10m));
        await runtime.HandleAsync(new StockReserved(order));
        await runtime.HandleAsync(new CardCharged(order));
        await runtime.HandleAsync(new ChargeDeclined(order));

        Assert.Equal(["CardCharged", "StockReserved", "OrderOpened"], _bus.OfType<StepUndone>().Select(u => u.Step));
        OrderAborted aborted = Assert.Single(_bus.OfType<OrderAborted>());
        Assert.Equal("ChargeDeclined", aborted.Reason);
        Assert.IsType<OrderAborted>(_bus.Published[^1]);
        SagaSnapshot<TestSagaState>? saga = await runtime.GetAsync(order);
        Assert.Equal(SagaStatus.Compensated, saga!.Status);
        Assert.Equal(["CardCharged", "StockReserved", "OrderOpened"], saga.CompensatedSteps);
        Assert.Equal("ChargeDeclined", saga.Reason);
        Assert.Equal(1, runtime.Counts.Compensated);
        Assert.Equal(3, runtime.Counts.CompensationsRun);
    }

    [Fact]
    public async Task AStepCompletedTwice_IsCompensatedTwice_WithDistinctDerivedIds_AndSingleStepsKeepTheirIds()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 5m));
        await runtime.HandleAsync(new StockReserved(order)); // two reservations (two warehouses): two distinct events of one step
        await runtime.HandleAsync(new StockReserved(order));
        var declined = new ChargeDeclined(order);

        await runtime.HandleAsync(declined);

        StepUndone[] undone = [.. _bus.OfType<StepUndone>()];
        Assert.Equal(["StockReserved", "StockReserved", "OrderOpened"], undone.Select(u => u.Step));
        Assert.Equal(3, undone.Select(u => u.Id).Distinct().Count()); // a downstream inbox keeps both stock releases
        Assert.Equal(DeterministicId.From(declined.Id, "undo/OrderOpened"), undone[2].Id); // a step done once: the id it always had
    }

    [Fact]
    public async Task AFollowUpThatFailsToPublish_DoesNotStopTheOthers_AndTheFailureReachesTheCaller()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 5m));
        await runtime.HandleAsync(new StockReserved(order));
        _bus.FailWhen = e => e is StepUndone { Step: "StockReserved" };

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await runtime.HandleAsync(new ChargeDeclined(order)));

        Assert.Contains("simulated", error.Message);
        Assert.Equal(["OrderOpened"], _bus.OfType<StepUndone>().Select(u => u.Step)); // published after the failed one
        Assert.Single(_bus.OfType<OrderAborted>());
        Assert.Equal(SagaStatus.Compensated, (await runtime.GetAsync(order))!.Status);
    }

    [Fact]
    public async Task RedeliveredEvents_AreIgnored_AndEachCompensationRunsExactlyOnce()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);
        Guid order = Guid.NewGuid();
        var opened = new OrderOpened(order, 10m);
        var reserved = new StockReserved(order);
        var declined = new ChargeDeclined(order);

        foreach (IEvent e in new IEvent[] { opened, opened, reserved, opened, reserved, declined, declined, reserved })
        {
            await (e switch
            {
                OrderOpened o => runtime.HandleAsync(o),
                StockReserved r => runtime.HandleAsync(r),
                ChargeDeclined d => runtime.HandleAsync(d),
                _ => throw new InvalidOperationException(),
            });
        }

        Assert.Equal(["StockReserved", "OrderOpened"], _bus.OfType<StepUndone>().Select(u => u.Step));
        Assert.Single(_bus.OfType<OrderAborted>());
        Assert.Single(_bus.OfType<ReserveStock>());
        SagaSnapshot<TestSagaState>? saga = await runtime.GetAsync(order);
        Assert.Equal(["OrderOpened", "StockReserved"], saga!.State.Seen.Take(2));
        Assert.Equal(3, runtime.Counts.StepsHandled);
        // The two redeliveries after compensation are duplicates too (their ids are in the finished instance's journal), not late events.
        Assert.Equal(5, runtime.Counts.DuplicateEventsIgnored);
        Assert.Equal(0, runtime.Counts.LateEventsIgnored);
    }

    [Fact]
    public async Task LateEvents_AfterCompletion_AreIgnoredAndCounted_EvenByAFreshRuntimeOnTheSameStore()
    {
        Guid order = Guid.NewGuid();
        await using (SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus))
        {
            await runtime.HandleAsync(new OrderOpened(order, 1m));
            await runtime.HandleAsync(new OrderShipped(order));
            await runtime.HandleAsync(new ChargeDeclined(order));
            await runtime.HandleAsync(new StockReserved(order));

            Assert.Equal(2, runtime.Counts.LateEventsIgnored);
            Assert.Equal(0, runtime.Counts.CompensationsRun);
        }

        await using SagaRuntime<TestSagaState> restarted = TestSaga.CreateRuntime(_store, _bus);
        await restarted.HandleAsync(new ChargeDeclined(order));

        Assert.Equal(1, restarted.Counts.LateEventsIgnored);
        Assert.Empty(_bus.OfType<StepUndone>());
        Assert.Equal(SagaStatus.Completed, (await restarted.GetAsync(order))!.Status);
    }

    [Fact]
    public async Task Complete_CalledByAStep_EndsTheSaga_AndCompensateWinsWhenBothAreCalled()
    {
        var definition = new SagaDefinition<TestSagaState>("Conditional")
            .StartsWith<OrderOpened>(e => e.OrderId, (s, e, ctx) =>
            {
                s.OrderId = e.OrderId;
                if (e.Amount == 0m)
                {
                    ctx.Complete();
                }

                if (e.Amount < 0m)
                {
                    ctx.Complete();
                    ctx.Compensate("negative amount");
                }

                return ValueTask.CompletedTask;
            }, compensate: (s, ctx) => ctx.PublishAsync(new StepUndone(s.OrderId, "open") { Id = ctx.DeriveId("undo") }));
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, definition: definition);
        Guid free = Guid.NewGuid();
        Guid negative = Guid.NewGuid();

        await runtime.HandleAsync(new OrderOpened(free, 0m));
        await runtime.HandleAsync(new OrderOpened(negative, -1m));

        Assert.Equal(SagaStatus.Completed, (await runtime.GetAsync(free))!.Status);
        SagaSnapshot<TestSagaState>? compensated = await runtime.GetAsync(negative);
        Assert.Equal(SagaStatus.Compensated, compensated!.Status);
        Assert.Equal("negative amount", compensated.Reason);
        Assert.Equal(negative, Assert.Single(_bus.OfType<StepUndone>()).OrderId);
    }

    [Fact]
    public async Task AFailingStep_ChangesNothingAndPublishesNothing_AndItsRedeliverySucceeds()
    {
        int attempts = 0;
        var definition = new SagaDefinition<TestSagaState>("Flaky")
            .StartsWith<OrderOpened>(e => e.OrderId, (s, e, ctx) =>
            {
                s.OrderId = e.OrderId;
                return ValueTask.CompletedTask;
            })
            .Step<CardCharged>(e => e.OrderId, (s, e, ctx) =>
            {
                s.Seen.Add("charged");
#pragma warning disable ED0001 // a saga context's publish is a publish; only the test's recording bus reads this one
                ctx.PublishAsync(new ShippingBooked(s.OrderId) { Id = ctx.DeriveId("ship") });
#pragma warning restore ED0001
                return ++attempts == 1 ? throw new InvalidOperationException("card service down") : ValueTask.CompletedTask;
            });
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, definition: definition);
        Guid order = Guid.NewGuid();
        var charged = new CardCharged(order);
        await runtime.HandleAsync(new OrderOpened(order, 5m));

        await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.HandleAsync(charged).AsTask());

        Assert.Empty(_bus.Published);
        Assert.Empty((await runtime.GetAsync(order))!.State.Seen);

        await runtime.HandleAsync(charged);

        Assert.Equal(["charged"], (await runtime.GetAsync(order))!.State.Seen);
        Assert.Single(_bus.OfType<ShippingBooked>());
    }

    [Fact]
    public async Task AwaitCommitDurability_BehavesTheSame()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, configure: o => o.Durability = SagaDurability.AwaitCommit);
        Guid order = Guid.NewGuid();

        await runtime.HandleAsync(new OrderOpened(order, 1m));
        await runtime.HandleAsync(new StockReserved(order));
        await runtime.HandleAsync(new ChargeDeclined(order));

        Assert.Equal(["StockReserved", "OrderOpened"], _bus.OfType<StepUndone>().Select(u => u.Step));
    }

    [Fact]
    public async Task AStringCorrelationId_IsUsedAsItIs()
    {
        var definition = new SagaDefinition<TestSagaState>("ByString")
            .StartsWith<OrderOpened>(e => "order-" + e.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture), (s, e, ctx) => ValueTask.CompletedTask);
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, definition: definition);

        await runtime.HandleAsync(new OrderOpened(Guid.NewGuid(), 7m));

        Assert.NotNull(await runtime.GetAsync("order-7"));
        Assert.NotNull(await _store.LoadAsync("ByString", "order-7"));
    }

    [Fact]
    public async Task StartingAgain_ARunningInstance_IsIgnoredAsADuplicateStart()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);
        Guid order = Guid.NewGuid();

        await runtime.HandleAsync(new OrderOpened(order, 1m));
        await runtime.HandleAsync(new OrderOpened(order, 2m));

        Assert.Equal(1m, (await runtime.GetAsync(order))!.State.Amount);
        Assert.Equal(1, runtime.Counts.Started);
        Assert.Equal(1, runtime.Counts.DuplicateEventsIgnored);
    }
}
