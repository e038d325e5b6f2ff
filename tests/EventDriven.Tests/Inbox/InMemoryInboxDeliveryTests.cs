using EventDriven.Reliability;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Tests.Inbox;

/// <summary>[EventHandler(Inbox = true)] end to end with <see cref="InMemoryInbox"/>: the generated dispatcher skips redelivered event ids.</summary>
public sealed class InMemoryInboxDeliveryTests
{
    private const int EventCount = 10_000;

    [Theory]
    [InlineData(DispatchMode.Inline)]
    [InlineData(DispatchMode.RingBuffer)]
    public async Task EveryEventDeliveredTwice_HasExactlyOneSideEffect(DispatchMode mode)
    {
        await using ServiceProvider services = Create(mode);
        var bus = services.GetRequiredService<EventBus>();
        PaymentCaptured[] events = [.. Enumerable.Range(0, EventCount).Select(static i => new PaymentCaptured(Guid.NewGuid(), i))];

        foreach (PaymentCaptured captured in events)
        {
            await bus.PublishAsync(captured);
        }

        foreach (PaymentCaptured captured in events)
        {
            await bus.PublishAsync(captured); // the redelivery: same event, same id
        }

        await bus.StopAsync();
        var log = services.GetRequiredService<InboxLog>();
        Assert.Equal(EventCount, log.SideEffects);
        Assert.Equal(EventCount, log.Calls);
        Assert.All(events, e => Assert.Equal(1, log.EffectsOf(e.Id)));
        Assert.Equal(EventCount, ((InMemoryInbox)services.GetRequiredService<IInbox>()).Count);
    }

    [Fact]
    public async Task HandlerThatThrows_IsNotMarked_SoTheNextDeliveryRunsItAndTheOneAfterIsSkipped()
    {
        await using ServiceProvider services = Create(DispatchMode.Inline);
        var bus = services.GetRequiredService<EventBus>();
        var log = services.GetRequiredService<InboxLog>();
        var inbox = services.GetRequiredService<IInbox>();
        var captured = new PaymentCaptured(Guid.NewGuid(), 10m);
        log.FailOnceFor(captured.Id);

        await Assert.ThrowsAsync<EventDispatchException>(async () => await bus.PublishAsync(captured));
        Assert.False(await inbox.HasProcessedAsync(typeof(CapturePayment).FullName!, captured.Id));

        await bus.PublishAsync(captured);
        await bus.PublishAsync(captured);

        Assert.Equal(2, log.Calls); // the failure and the successful redelivery; the third delivery is skipped
        Assert.Equal(1, log.EffectsOf(captured.Id));
        Assert.True(await inbox.HasProcessedAsync(typeof(CapturePayment).FullName!, captured.Id));
    }

    [Fact]
    public async Task RingRetry_AfterAFailure_RunsTheHandlerAgainAndMarksItOnce()
    {
        await using ServiceProvider services = Create(DispatchMode.RingBuffer, o => o.SetRetryPolicy<CapturePayment>(new RetryPolicy(2, TimeSpan.Zero)));
        var bus = services.GetRequiredService<EventBus>();
        var log = services.GetRequiredService<InboxLog>();
        var captured = new PaymentCaptured(Guid.NewGuid(), 10m);
        log.FailOnceFor(captured.Id);

        await bus.PublishAsync(captured);
        await bus.PublishAsync(captured);
        await bus.StopAsync();

        Assert.Equal(2, log.Calls); // the failed call and its retry; the redelivery is skipped
        Assert.Equal(1, log.EffectsOf(captured.Id));
        Assert.Equal(0, services.GetRequiredService<IDeadLetterSink>() is InMemoryDeadLetterSink sink ? sink.Count : -1);
    }

    [Fact]
    public async Task StartingTheBus_WithoutAnInbox_FailsNamingTheHandlerAndTheFix()
    {
        var services = new ServiceCollection().AddTestState();
        services.RemoveAll<IInbox>();
        services.AddEventDriven(o => o.DispatchMode = DispatchMode.Inline);
        using ServiceProvider provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<EventBus>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bus.StartAsync());

        Assert.Contains(typeof(CapturePayment).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("AddEventDrivenSqlite", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Create(DispatchMode mode, Action<EventDrivenOptions>? configure = null)
        => TestBus.Create(o =>
        {
            o.DispatchMode = mode;
            o.RingBufferCapacity = 1024;
            configure?.Invoke(o);
        });
}
