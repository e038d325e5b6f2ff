using EventDriven.Reliability;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Dispatch;

/// <summary>
/// Scoped handlers get a dependency-injection scope of their own per call (per event and per retry), disposed when the call completes,
/// inline and in the ring; transient handlers a new instance per call; singletons one instance. A singleton that takes a scoped
/// service is refused at start with a message naming both and the fix.
/// </summary>
public sealed class HandlerLifetimeTests
{
    [Fact]
    public async Task Inline_EachEventGetsItsOwnScope_DisposedOnceTheHandlerCompleted()
    {
        await using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        LifetimeLog log = services.GetRequiredService<LifetimeLog>();

        for (int i = 0; i < 3; i++)
        {
            await bus.PublishAsync(new ShelfCounted(i));
        }

        (int Number, int UnitOfWork, bool DisposedDuringCall)[] calls = [.. log.ScopedCalls];
        Assert.Equal([0, 1, 2], calls.Select(static c => c.Number));
        Assert.Equal(3, calls.Select(static c => c.UnitOfWork).Distinct().Count());
        Assert.All(calls, static c => Assert.False(c.DisposedDuringCall));
        Assert.Equal(calls.Select(static c => c.UnitOfWork).Order(), log.Disposed.Order());
        Assert.Equal(3, log.TransientInstances.Distinct().Count());
        Assert.Single(log.SingletonInstances.Distinct());
    }

    [Fact]
    public async Task Ring_EachEventGetsItsOwnScope_AndEveryScopeIsDisposedByStop()
    {
        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();
        LifetimeLog log = services.GetRequiredService<LifetimeLog>();

        for (int i = 0; i < 200; i++)
        {
            await bus.PublishAsync(new ShelfCounted(i));
        }

        await bus.StopAsync();

        Assert.Equal(Enumerable.Range(0, 200), log.ScopedCalls.Select(static c => c.Number).Order());
        Assert.Equal(200, log.ScopedCalls.Select(static c => c.UnitOfWork).Distinct().Count());
        Assert.DoesNotContain(log.ScopedCalls, static c => c.DisposedDuringCall);
        Assert.Equal(log.ScopedCalls.Select(static c => c.UnitOfWork).Order(), log.Disposed.Order());
        Assert.Equal(200, log.TransientInstances.Distinct().Count());
        Assert.Single(log.SingletonInstances.Distinct());
    }

    [Fact]
    public async Task Retry_OfAScopedHandler_RunsInAFreshScope()
    {
        // Retries are the consumers' failure policy: the ring's (inline, the publisher sees the failure).
        await using ServiceProvider services = TestBus.CreateRing(o => o.SetRetryPolicy<ScopedStockHandler>(new RetryPolicy(1, TimeSpan.Zero)));
        var bus = services.GetRequiredService<EventBus>();
        LifetimeLog log = services.GetRequiredService<LifetimeLog>();

        await bus.PublishAsync(new ShelfCounted(7, FailFirstAttempt: true));
        await bus.StopAsync();

        (int Number, int UnitOfWork, bool DisposedDuringCall)[] calls = [.. log.ScopedCalls];
        Assert.Equal(2, calls.Length);
        Assert.NotEqual(calls[0].UnitOfWork, calls[1].UnitOfWork);
        Assert.Equal(calls.Select(static c => c.UnitOfWork).Order(), log.Disposed.Order());
        Assert.Equal(0, bus.Counters.Dropped);
    }

    [Fact]
    public async Task ScopeValidation_On_TheBusStartsAndServesScopedHandlers()
    {
        var collection = new ServiceCollection();
        collection.AddTestState();
        collection.AddEventDriven(static o => o.DispatchMode = DispatchMode.Inline);
        await using ServiceProvider services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var bus = services.GetRequiredService<EventBus>();

        await bus.StartAsync();
        await bus.PublishAsync(new ShelfCounted(1));

        Assert.Single(services.GetRequiredService<LifetimeLog>().ScopedCalls);
    }

    [Fact]
    public async Task Singleton_TakingAScopedService_IsRefusedAtStart_NamingHandlerDependencyAndFix()
    {
        var collection = new ServiceCollection();
        collection.AddScoped<TenantSettings>();
        collection.AddTestState();
        collection.AddEventDriven(static o => o.DispatchMode = DispatchMode.Inline);
        await using ServiceProvider services = collection.BuildServiceProvider();
        var bus = services.GetRequiredService<EventBus>();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => bus.StartAsync());

        Assert.Contains("Handler EventDriven.Tests.Dispatch.SingletonStockHandler is a singleton handler", refused.Message, StringComparison.Ordinal);
        Assert.Contains("its constructor takes EventDriven.Tests.Dispatch.TenantSettings, which is registered as scoped", refused.Message, StringComparison.Ordinal);
        Assert.Contains("[EventHandler(Lifetime = HandlerLifetime.Scoped)]", refused.Message, StringComparison.Ordinal);
    }
}
