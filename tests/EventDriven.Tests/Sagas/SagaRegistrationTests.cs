using EventDriven.Sagas;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventDriven.Tests.Sagas;

public sealed class SagaRegistrationTests
{
    /// <summary>
    /// The shape of a user's saga class. Here it is subscribed at run time rather than marked [EventHandler]: an [EventHandler] in this
    /// test assembly would be resolved by every other test's bus, which does not register a saga runtime.
    /// </summary>
    private sealed class OrderSaga(SagaRuntime<TestSagaState> runtime)
        : IEventHandler<OrderOpened>, IEventHandler<StockReserved>, IEventHandler<ChargeDeclined>
    {
        public ValueTask HandleAsync(OrderOpened @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

        public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

        public ValueTask HandleAsync(ChargeDeclined @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);
    }

    private sealed class Collector<TEvent> : IEventHandler<TEvent>
        where TEvent : IEvent
    {
        public List<TEvent> Seen { get; } = [];

        public ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default)
        {
            lock (Seen)
            {
                Seen.Add(@event);
            }

            return default;
        }
    }

    [Fact]
    public async Task AddSaga_WithARealInlineBus_RoutesEventsThroughTheSagaAndPublishesItsEvents()
    {
        var time = new ManualTimeProvider();
        var services = new ServiceCollection()
            .AddTestState()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<ISagaStore, InMemorySagaStore>()
            .AddEventDriven(o => o.DispatchMode = DispatchMode.Inline)
            .AddSaga<OrderSaga, TestSagaState>(SagaTestJsonContext.Default.TestSagaState, d => TestSaga.Define(d), o => o.Durability = SagaDurability.AwaitCommit);
        await using ServiceProvider provider = services.BuildServiceProvider();
        var runtime = provider.GetRequiredService<SagaRuntime<TestSagaState>>();
        var bus = provider.GetRequiredService<IEventBus>();
        var saga = new OrderSaga(runtime);
        var undone = new Collector<StepUndone>();
        var reserveRequests = new Collector<ReserveStock>();
        using IDisposable s1 = bus.Subscribe<OrderOpened>(saga);
        using IDisposable s2 = bus.Subscribe<StockReserved>(saga);
        using IDisposable s3 = bus.Subscribe<ChargeDeclined>(saga);
        using IDisposable s4 = bus.Subscribe(undone);
        using IDisposable s5 = bus.Subscribe(reserveRequests);
        foreach (IHostedService hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        Guid order = Guid.NewGuid();
        await bus.PublishAsync(new OrderOpened(order, 3m));
        await bus.PublishAsync(new StockReserved(order));
        await bus.PublishAsync(new ChargeDeclined(order));

        Assert.Equal("OrderSaga", runtime.Name);
        Assert.Equal(order, Assert.Single(reserveRequests.Seen).OrderId);
        Assert.Equal(["StockReserved", "OrderOpened"], undone.Seen.Select(u => u.Step));
        Assert.Equal(SagaStatus.Compensated, (await runtime.GetAsync(order))!.Status);
        Assert.Single(provider.GetServices<IHostedService>(), h => h.GetType().Name.StartsWith("SagaHostedService", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddSaga_RegistersOneReceiptBarrier_ThatFlushesTheSagaStore_SoAReceivedEventIsAcknowledgedAfterTheStepIsDurable()
    {
        var store = new InMemorySagaStore();
        var services = new ServiceCollection()
            .AddTestState()
            .AddSingleton<ISagaStore>(store)
            .AddEventDriven(o => o.DispatchMode = DispatchMode.Inline)
            .AddSaga<OrderSaga, TestSagaState>(SagaTestJsonContext.Default.TestSagaState, d => TestSaga.Define(d))
            .AddSaga<OrderSaga, TestSagaState>(SagaTestJsonContext.Default.TestSagaState, d => TestSaga.Define(d));
        await using ServiceProvider provider = services.BuildServiceProvider();

        EventDriven.Transport.IReceiptBarrier barrier = Assert.Single(provider.GetServices<EventDriven.Transport.IReceiptBarrier>());
        await barrier.FlushAsync(CancellationToken.None);
        Assert.StartsWith("SagaReceiptBarrier", barrier.GetType().Name, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSaga_WithoutAStore_FailsWithAMessageThatSaysWhatToRegister()
    {
        var services = new ServiceCollection()
            .AddEventDriven(o => o.DispatchMode = DispatchMode.Inline)
            .AddSaga<OrderSaga, TestSagaState>(SagaTestJsonContext.Default.TestSagaState, d => TestSaga.Define(d));
        using ServiceProvider provider = services.BuildServiceProvider();

        var exception = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<SagaRuntime<TestSagaState>>());

        Assert.Contains("ISagaStore", exception.Message, StringComparison.Ordinal);
        Assert.Contains("AddSqliteSagaStore", exception.Message, StringComparison.Ordinal);
    }
}
