using EventDriven.RabbitMQ.Tests.Fixtures;
using EventDriven.Store;
using EventDriven.Topology;
using EventDriven.Transport;

namespace EventDriven.RabbitMQ.Tests.Delivery;

/// <summary>What the endpoint does when the bus does not finish an event: never leaves the delivery unanswered.</summary>
public sealed class EndpointFailureTests
{
    [Fact]
    public async Task AnEventTheBusAbandons_IsGivenBackAndRedelivered_AndOneItCannotHandle_IsDeadLettered()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        var abandoned = new OrderPlaced("order-1", 1);
        var unhandleable = new OrderPlaced("order-2", 2);
        var fine = new OrderPlaced("order-3", 3);
        var receiver = new ScriptedReceiver(abandoned.Id, unhandleable.Id);
        var options = new RabbitMqOptions { Uri = broker.Uri, Exchange = exchange, Endpoint = Service.UniqueName("billing"), PrefetchCount = 1 };
        var topology = new EventTopology([new EventRouteInfo(typeof(OrderPlaced).FullName!, [])]);
        await using var endpoint = new RabbitMqEndpoint(options, receiver, topology);
        await endpoint.StartAsync(default);
        await endpoint.Ready.WaitAsync(TimeSpan.FromMinutes(2));
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"));

        foreach (OrderPlaced placed in (OrderPlaced[])[abandoned, unhandleable, fine])
        {
            await orders.Store.AppendAsync(placed.StreamId, [new EventToAppend(placed)], ExpectedVersion.Any);
        }

        // With a prefetch of 1, an unanswered delivery would stall the queue: the later events arrive only if it was answered.
        await receiver.Handled(fine.Id).WaitAsync(TimeSpan.FromMinutes(2));
        await receiver.Handled(abandoned.Id).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(2, receiver.Calls(abandoned.Id)); // abandoned once (stop timeout), redelivered, handled
        Assert.Equal(1, receiver.Calls(unhandleable.Id)); // dead-lettered, not redelivered
        Assert.Equal(1, endpoint.Requeued);
        Assert.True(endpoint.Redelivered >= 1);
        Assert.Equal(1, endpoint.DeadLettered);
    }

    /// <summary>A bus stand-in: abandons one event the first time (as the stop timeout does), refuses another, handles the rest.</summary>
    private sealed class ScriptedReceiver(Guid abandonOnce, Guid refuse) : IEventReceiver
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<Guid, int> _calls = [];
        private readonly Dictionary<Guid, TaskCompletionSource> _handled = [];

        public int Calls(Guid id)
        {
            lock (_gate)
            {
                return _calls.GetValueOrDefault(id);
            }
        }

        public Task Handled(Guid id) => Completion(id).Task;

        public ValueTask ReceiveAsync(IEvent @event, ReceivedEventContext context, CancellationToken cancellationToken = default)
        {
            int call;
            lock (_gate)
            {
                call = _calls[@event.Id] = _calls.GetValueOrDefault(@event.Id) + 1;
            }

            if (@event.Id == abandonOnce && call == 1)
            {
                throw new OperationCanceledException("the stop timeout abandoned it");
            }

            if (@event.Id == refuse)
            {
                throw new InvalidOperationException("no handler for OrderPlaced here (NoHandlerBehavior.Throw)");
            }

            Completion(@event.Id).TrySetResult();
            return ValueTask.CompletedTask;
        }

        private TaskCompletionSource Completion(Guid id)
        {
            lock (_gate)
            {
                if (!_handled.TryGetValue(id, out TaskCompletionSource? completion))
                {
                    completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _handled.Add(id, completion);
                }

                return completion;
            }
        }
    }
}
