using EventDriven.Sagas;

namespace EventDriven.Tests.Sagas;

public sealed class SagaConcurrencyTests
{
    [Fact]
    public async Task DifferentCorrelationIds_InParallel_DoNotInterfere()
    {
        var store = new InMemorySagaStore();
        var bus = new RecordingBus();
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(store, bus);
        Guid[] orders = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();

        // Each order's events in order on its own task; even orders complete, odd ones compensate.
        await Task.WhenAll(orders.Select((order, i) => Task.Run(async () =>
        {
            await runtime.HandleAsync(new OrderOpened(order, i));
            await runtime.HandleAsync(new StockReserved(order));
            await runtime.HandleAsync(new CardCharged(order));
            if (i % 2 == 0)
            {
                await runtime.HandleAsync(new OrderShipped(order));
            }
            else
            {
                await runtime.HandleAsync(new ChargeDeclined(order));
            }
        })));

        for (int i = 0; i < orders.Length; i++)
        {
            SagaSnapshot<TestSagaState>? saga = await runtime.GetAsync(orders[i]);
            Assert.Equal(i % 2 == 0 ? SagaStatus.Completed : SagaStatus.Compensated, saga!.Status);
            Assert.Equal(i, saga.State.Amount);
            Assert.Equal(4, saga.State.Seen.Count);
            IEnumerable<string> undone = bus.OfType<StepUndone>().Where(u => u.OrderId == orders[i]).Select(u => u.Step);
            Assert.Equal(i % 2 == 0 ? [] : ["CardCharged", "StockReserved", "OrderOpened"], undone);
        }

        Assert.Equal(new SagaCounts(200, 800, 100, 100, 0, 300, 0, 0, 0, 0), runtime.Counts);
    }

    [Fact]
    public async Task OneCorrelationId_RedeliveredConcurrently_IsHandledOncePerEventId()
    {
        var store = new InMemorySagaStore();
        var bus = new RecordingBus();
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(store, bus);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 1m));
        var reserved = new StockReserved(order);
        var declined = new ChargeDeclined(order);
        await runtime.HandleAsync(reserved);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            await runtime.HandleAsync(reserved);
            await runtime.HandleAsync(declined);
        })));

        Assert.Equal(["StockReserved", "OrderOpened"], bus.OfType<StepUndone>().Select(u => u.Step));
        Assert.Single(bus.OfType<OrderAborted>());
        Assert.Equal(1, runtime.Counts.Compensated);
    }
}
