using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Dispatch;

public sealed class InlineDispatchTests
{
    [Fact]
    public async Task Publish_RunsEveryHandler_ByOrderThenFullName()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();

        await bus.PublishAsync(new OrderPlaced(Guid.NewGuid()));

        Assert.Equal(["FirstOrderHandler", "OrderHandlerB", "OrderHandlerC"], services.GetRequiredService<Recorder>().Calls);
    }

    [Fact]
    public async Task Publish_StructEvent_ReachesItsHandler()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();

        await bus.PublishAsync(new PriceChanged(Guid.NewGuid(), 1m));

        Assert.Equal(1, services.GetRequiredService<Recorder>().Count);
    }

    [Fact]
    public async Task Publish_FromInsideAHandler_DispatchesTheFollowUpEvent()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();

        await bus.PublishAsync(new OrderPlaced(Guid.NewGuid()));

        // RepriceOnOrderHandler takes IEventBus in its constructor and publishes PriceChanged, which OrderHandlerB counts.
        Assert.Equal(1, services.GetRequiredService<Recorder>().Count);
    }

    [Fact]
    public async Task Publish_WhenHandlersThrow_RunsTheOthersAndReportsEveryFailure()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        var declined = new PaymentDeclined(Guid.NewGuid());

        var exception = await Assert.ThrowsAsync<EventDispatchException>(async () => await bus.PublishAsync(declined));

        Assert.Equal(
            ["RefundHandler", "ThrowingHandler", "NotifyCustomerHandler", "FaultingAsyncHandler", "LastDeclineHandler"],
            services.GetRequiredService<Recorder>().Calls);
        Assert.Equal("PaymentDeclined", exception.EventType);
        Assert.Equal(declined.Id, exception.EventId);
        Assert.Collection(
            exception.Failures,
            f =>
            {
                Assert.Equal(typeof(ThrowingHandler).FullName, f.HandlerName);
                Assert.IsType<InvalidOperationException>(f.Exception);
            },
            f =>
            {
                Assert.Equal(typeof(FaultingAsyncHandler).FullName, f.HandlerName);
                Assert.IsType<TimeoutException>(f.Exception);
            });
        Assert.IsType<InvalidOperationException>(exception.InnerException);
        Assert.Contains("2 handlers failed for event 'PaymentDeclined'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("ThrowingHandler threw InvalidOperationException: card processor unavailable", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_AsynchronousHandler_IsAwaitedBeforeTheNextHandlerRuns()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();

        await bus.PublishAsync(new ShipmentDispatched(Guid.NewGuid()));

        Assert.Equal(["slow:start", "slow:end", "after"], services.GetRequiredService<Recorder>().Calls);
    }

    [Fact]
    public async Task Publish_WhenCancelledDuringAHandler_ThrowsCancellationNotDispatchFailure()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await bus.PublishAsync(new StockCounted(3), cancellation.Token));
    }

    [Fact]
    public async Task Publish_WithAlreadyCancelledToken_RunsNoHandler()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await bus.PublishAsync(new OrderPlaced(Guid.NewGuid()), new CancellationToken(canceled: true)));

        Assert.Empty(services.GetRequiredService<Recorder>().Calls);
    }

    [Fact]
    public async Task Publish_NullEvent_ThrowsArgumentNull()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();

        var exception = await Assert.ThrowsAsync<ArgumentNullException>(async () => await bus.PublishAsync<OrderPlaced>(null!));
        Assert.Equal("event", exception.ParamName);
    }

    [Fact]
    public async Task Publish_EventWithoutHandlers_IsIgnoredByDefault()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();

        await bus.PublishAsync(new CouponApplied("SPRING"));
    }

    [Fact]
    public async Task Publish_EventWithoutHandlers_ThrowsWhenConfiguredTo()
    {
        using ServiceProvider services = TestBus.Create(o => o.NoHandlerBehavior = NoHandlerBehavior.Throw);
        var bus = services.GetRequiredService<IEventBus>();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await bus.PublishAsync(new CouponApplied("SPRING")));
        Assert.Contains("No handler is registered for event 'CouponApplied'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_AfterStop_ThrowsAClearError()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<EventBus>();
        await bus.StopAsync();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await bus.PublishAsync(new OrderPlaced(Guid.NewGuid())));
        Assert.Contains("stopped", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoServiceProviders_HaveIndependentBusesAndHandlers()
    {
        using ServiceProvider first = TestBus.Create();
        using ServiceProvider second = TestBus.Create();

        await first.GetRequiredService<IEventBus>().PublishAsync(new OrderPlaced(Guid.NewGuid()));

        Assert.Equal(3, first.GetRequiredService<Recorder>().Calls.Count);
        Assert.Empty(second.GetRequiredService<Recorder>().Calls);
    }
}
