using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Dispatch;

public sealed class SubscriptionTests
{
    private sealed class CollectingHandler<TEvent>(string name, List<string> log) : IEventHandler<TEvent>
        where TEvent : IEvent
    {
        public ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default)
        {
            log.Add(name);
            return default;
        }
    }

    private sealed class FailingHandler : IEventHandler<CouponApplied>
    {
        public ValueTask HandleAsync(CouponApplied @event, CancellationToken cancellationToken = default) => throw new FormatException("bad coupon");
    }

    [Fact]
    public async Task Subscribe_ToEventWithoutStaticHandlers_ReceivesIt()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        var log = new List<string>();

        using (bus.Subscribe(new CollectingHandler<CouponApplied>("runtime", log)))
        {
            await bus.PublishAsync(new CouponApplied("A"));
        }

        Assert.Equal(["runtime"], log);
    }

    [Fact]
    public async Task Subscribe_BesideStaticHandlers_RunsAfterThemInSubscriptionOrder()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        var log = new List<string>();

        using IDisposable first = bus.Subscribe(new CollectingHandler<OrderPlaced>("runtime-1", log));
        using IDisposable second = bus.Subscribe(new CollectingHandler<OrderPlaced>("runtime-2", log));
        await bus.PublishAsync(new OrderPlaced(Guid.NewGuid()));

        Assert.Equal(["FirstOrderHandler", "OrderHandlerB", "OrderHandlerC"], services.GetRequiredService<Recorder>().Calls);
        Assert.Equal(["runtime-1", "runtime-2"], log);
    }

    [Fact]
    public async Task Dispose_Unsubscribes_AndDisposingTwiceIsHarmless()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        var log = new List<string>();
        IDisposable keep = bus.Subscribe(new CollectingHandler<CouponApplied>("keep", log));
        IDisposable drop = bus.Subscribe(new CollectingHandler<CouponApplied>("drop", log));

        drop.Dispose();
        drop.Dispose();
        await bus.PublishAsync(new CouponApplied("A"));
        keep.Dispose();
        await bus.PublishAsync(new CouponApplied("B"));

        Assert.Equal(["keep"], log);
    }

    [Fact]
    public async Task Subscriber_ThatThrows_DoesNotStopTheOthers()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        var log = new List<string>();
        using IDisposable failing = bus.Subscribe(new FailingHandler());
        using IDisposable after = bus.Subscribe(new CollectingHandler<CouponApplied>("after", log));

        var exception = await Assert.ThrowsAsync<EventDispatchException>(async () => await bus.PublishAsync(new CouponApplied("A")));

        Assert.Equal(["after"], log);
        HandlerFailure failure = Assert.Single(exception.Failures);
        Assert.Equal(typeof(FailingHandler).FullName, failure.HandlerName);
        Assert.IsType<FormatException>(failure.Exception);
    }

    [Fact]
    public async Task SubscribeAndUnsubscribe_ConcurrentWithPublishing_NeverLosesAStableSubscriber()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        int stableCalls = 0;
        using IDisposable stable = bus.Subscribe(new CountingHandler(() => Interlocked.Increment(ref stableCalls)));
        using var stop = new CancellationTokenSource();

        Task churn = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                bus.Subscribe(new CountingHandler(static () => { })).Dispose();
            }
        });
        for (int i = 0; i < 20_000; i++)
        {
            await bus.PublishAsync(new CouponApplied("X"));
        }

        await stop.CancelAsync();
        await churn;
        Assert.Equal(20_000, stableCalls);
    }

    [Fact]
    public void Subscribe_NullHandler_Throws()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();

        Assert.Throws<ArgumentNullException>(() => bus.Subscribe<CouponApplied>(null!));
    }

    private sealed class CountingHandler(Action onEvent) : IEventHandler<CouponApplied>
    {
        public ValueTask HandleAsync(CouponApplied @event, CancellationToken cancellationToken = default)
        {
            onEvent();
            return default;
        }
    }
}
