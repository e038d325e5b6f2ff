using EventDriven.RabbitMQ.Tests.Fixtures;
using EventDriven.Store;

namespace EventDriven.RabbitMQ.Tests.Faults;

/// <summary>The broker is killed mid-stream and comes back: the relay backs off and resumes, the endpoint reconnects, nothing is lost or doubled, and each stream keeps its order.</summary>
public sealed class BrokerRestartTests
{
    private const int Streams = 4;
    private const int PerStream = 100;

    [Fact]
    public async Task BrokerKilledMidStream_NothingLost_NoEffectTwice_OrderPerStreamKept()
    {
        await using RabbitMqServer broker = await RabbitMqServer.StartOwnAsync();
        string exchange = Service.UniqueName("shop");
        await using Service billing = await Service.StartAsync(broker.Uri, exchange, Service.UniqueName("billing"));
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"));
        string run = Guid.NewGuid().ToString("N")[..8];
        var ids = new List<Guid>();

        async Task AppendAsync(int from, int to)
        {
            for (int number = from; number < to; number++)
            {
                for (int s = 0; s < Streams; s++)
                {
                    var placed = new OrderPlaced($"{run}-order-{s}", number);
                    await orders.Store.AppendAsync(placed.StreamId, [new EventToAppend(placed)], ExpectedVersion.Any);
                    ids.Add(placed.Id);
                }
            }
        }

        // A first part flows; the broker dies with the relay and the endpoint mid-stream; appends go on meanwhile.
        await AppendAsync(0, PerStream / 2);
        Guid[] first = [.. ids.Take(40)];
        await Effects.WhenAsync(() => first.All(id => Effects.CountOf(id) > 0)).WaitAsync(TimeSpan.FromMinutes(2));
        await broker.KillAsync();
        await AppendAsync(PerStream / 2, PerStream);
        // The relay goes on trying (each try a claim of what it could not send) while the broker is away.
        long failuresBefore = orders.Relay.Failures;
        long claimsBefore = orders.Outbox.Claims;
        await orders.Outbox.WhenAsync(o => o.Claims >= claimsBefore + 3).WaitAsync(TimeSpan.FromMinutes(2));

        await broker.StartAsync();
        Guid[] all = [.. ids];
        await Effects.WhenAsync(() => all.All(id => Effects.CountOf(id) > 0)).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.All(ids, id => Assert.Equal(1, Effects.CountOf(id)));
        for (int s = 0; s < Streams; s++)
        {
            Assert.Equal(Enumerable.Range(0, PerStream).Select(static n => (long)n), Effects.NumbersOf($"{run}-order-{s}"));
        }

        Assert.True(billing.Endpoint.Connections >= 2, "the endpoint should have reconnected");
        Assert.True(orders.Relay.Failures > failuresBefore, "the relay should have failed and backed off while the broker was away");
        await orders.Outbox.WhenAsync(o => o.Sent >= ids.Count).WaitAsync(TimeSpan.FromMinutes(2));
    }

}
