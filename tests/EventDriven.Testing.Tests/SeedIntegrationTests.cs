namespace EventDriven.Testing.Tests;

/// <summary>The seed's integration test (publish, sleep five seconds, hope), on the harness: same flow, no sleep.</summary>
public sealed class SeedIntegrationTests
{
    [Theory]
    [InlineData(DispatchMode.RingBuffer, 1)]
    [InlineData(DispatchMode.RingBuffer, 2)]
    [InlineData(DispatchMode.Inline, 1)]
    public async Task SubmittedOrders_AreValidated_AndTheSubscriberSeesThem_OnceTheBusIsIdle(DispatchMode mode, int partitions)
    {
        await using var host = new HarnessHost(o =>
        {
            o.DispatchMode = mode;
            o.Partitions = partitions;
        });
        var completed = new ValidatedOrders();
        using IDisposable subscription = host.Bus.Subscribe(completed); // the seed's eventBus.Subscribe(new TestOrderCompletionHandler(...))
        OrderSubmitted[] orders = [.. Enumerable.Range(1, 50).Select(static i => new OrderSubmitted(Guid.NewGuid(), i * 10m))];

        foreach (OrderSubmitted order in orders)
        {
            await host.Bus.PublishAsync(order);
        }

        await host.Harness.WhenIdleAsync(); // instead of sleeping five seconds

        Assert.Equal(orders.Select(static o => o.OrderId).Order(), completed.Orders.Order());
        Assert.All(orders, o => Assert.Equal(o.OrderId, host.Harness.Single<OrderValidated>(v => v.OrderId == o.OrderId).OrderId));
        Assert.Equal(50, host.Harness.HandledBy<OrderSubmitted>(typeof(ValidateOrder)).Count);
        Assert.Empty(host.Harness.Failed);
    }
}
