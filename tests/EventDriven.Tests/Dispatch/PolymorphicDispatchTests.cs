using EventDriven.Transport;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Dispatch;

/// <summary>
/// An event reaches the handlers of what it is, however the publisher holds it (its own type, a base class, an interface,
/// <see cref="IEvent"/>), and handlers declared for a base class or interface receive every event of a derived type. Run order:
/// <c>Order</c>, then the handler's event type from the most specific (own type, base classes nearest first, interfaces by full
/// name), then the handler's name.
/// </summary>
public sealed class PolymorphicDispatchTests
{
    private static readonly string[] PaidCalls =
    [
        "EarlyIntegrationCheck:OrderPaidIntegration", // Order -1, declared for the base class
        "ZRecordPayment:OrderPaidIntegration", // Order 0, its own type: before the base's handler although its name sorts after
        "IntegrationEventAudit:OrderPaidIntegration", // Order 0, the base class
        "AuditedEventLog:OrderPaidIntegration", // Order 0, an interface: after the base classes although its name sorts first
    ];

    private static readonly string[] ShippedCalls = ["EarlyIntegrationCheck:OrderShippedIntegration", "IntegrationEventAudit:OrderShippedIntegration"];

    [Fact]
    public async Task Publish_HeldAsItsOwnType_ABaseClass_AnInterfaceOrIEvent_RunsTheSameHandlersInTheSameOrder()
    {
        await using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        PolymorphicLog log = services.GetRequiredService<PolymorphicLog>();
        var paid = new OrderPaidIntegration(Guid.NewGuid());

        foreach (Func<ValueTask> publish in new Func<ValueTask>[]
        {
            () => bus.PublishAsync(paid),
            () => bus.PublishAsync<IntegrationEvent>(paid),
            () => bus.PublishAsync<IAuditedEvent>(paid),
            () => bus.PublishAsync<IEvent>(paid),
        })
        {
            log.Calls.Clear();
            await publish();

            Assert.Equal(PaidCalls, log.Calls);
        }
    }

    [Fact]
    public async Task Publish_OfATypeWithNoHandlerOfItsOwn_ReachesTheHandlersOfItsBaseClass_HoweverItIsHeld()
    {
        await using ServiceProvider services = TestBus.Create(static o => o.NoHandlerBehavior = NoHandlerBehavior.Throw);
        var bus = services.GetRequiredService<IEventBus>();
        PolymorphicLog log = services.GetRequiredService<PolymorphicLog>();
        var shipped = new OrderShippedIntegration(Guid.NewGuid());

        await bus.PublishAsync<IntegrationEvent>(shipped);
        Assert.Equal(ShippedCalls, log.Calls);

        log.Calls.Clear();
        await bus.PublishAsync(shipped);
        Assert.Equal(ShippedCalls, log.Calls);
    }

    [Fact]
    public async Task Ring_PublishThroughTheBase_DeliversEveryEventToEveryApplicableHandlerOnce()
    {
        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();
        PolymorphicLog log = services.GetRequiredService<PolymorphicLog>();

        for (int i = 0; i < 300; i++)
        {
            IntegrationEvent @event = i % 3 == 0 ? new OrderShippedIntegration(Guid.NewGuid()) : new OrderPaidIntegration(Guid.NewGuid());
            await bus.PublishAsync(@event);
        }

        await bus.StopAsync();

        Dictionary<string, int> counts = log.Calls.GroupBy(static c => c).ToDictionary(static g => g.Key, static g => g.Count());
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["EarlyIntegrationCheck:OrderPaidIntegration"] = 200,
                ["ZRecordPayment:OrderPaidIntegration"] = 200,
                ["IntegrationEventAudit:OrderPaidIntegration"] = 200,
                ["AuditedEventLog:OrderPaidIntegration"] = 200,
                ["EarlyIntegrationCheck:OrderShippedIntegration"] = 100,
                ["IntegrationEventAudit:OrderShippedIntegration"] = 100,
            },
            counts);
    }

    [Fact]
    public async Task Batch_OfTheBaseType_RoutesEachEventByWhatItIs()
    {
        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();
        PolymorphicLog log = services.GetRequiredService<PolymorphicLog>();

        await bus.PublishBatchAsync<IntegrationEvent>(new IntegrationEvent[] { new OrderPaidIntegration(Guid.NewGuid()), new OrderShippedIntegration(Guid.NewGuid()) });
        await bus.StopAsync();

        Assert.Equal([.. PaidCalls, .. ShippedCalls], log.Calls);
    }

    [Fact]
    public async Task Receive_OfATypeWithNoHandlerOfItsOwn_ReachesTheHandlersOfItsBaseClass()
    {
        await using ServiceProvider services = TestBus.Create();
        var receiver = services.GetRequiredService<IEventReceiver>();
        PolymorphicLog log = services.GetRequiredService<PolymorphicLog>();

        await receiver.ReceiveAsync(new OrderShippedIntegration(Guid.NewGuid()), new ReceivedEventContext(Guid.NewGuid(), Guid.NewGuid()));

        Assert.Equal(ShippedCalls, log.Calls);
    }

    [Fact]
    public async Task NoHandler_WhenHeldAsABaseType_NamesWhatTheEventIsAndHowItWasHeld()
    {
        await using ServiceProvider services = TestBus.Create(static o => o.NoHandlerBehavior = NoHandlerBehavior.Throw);
        var bus = services.GetRequiredService<IEventBus>();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () => await bus.PublishAsync<IEvent>(new NobodyListens(Guid.NewGuid())));

        Assert.Contains("(EventDriven.Tests.Dispatch.NobodyListens, published as EventDriven.IEvent)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("IEventHandler<NobodyListens>", refused.Message, StringComparison.Ordinal);
    }
}
