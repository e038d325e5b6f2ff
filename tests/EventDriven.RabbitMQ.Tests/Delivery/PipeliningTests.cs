using EventDriven.RabbitMQ.Tests.Fixtures;
using EventDriven.Store;
using EventDriven.Topology;
using EventDriven.Transport;

namespace EventDriven.RabbitMQ.Tests.Delivery;

/// <summary>
/// <see cref="RabbitMqOptions.ConsumerConcurrency"/>: the endpoint hands the next delivery to the bus while earlier ones are still being
/// finished, never more than the limit, in the queue's order, and acknowledges each once the bus finished it.
/// </summary>
public sealed class PipeliningTests
{
    [Fact]
    public async Task UpToTheLimit_AreHandedOverBeforeAnyIsFinished_InTheQueuesOrder_AndEachIsAcknowledgedOnceFinished()
    {
        const int limit = 16;
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        var receiver = new HoldingReceiver();
        var options = new RabbitMqOptions { Uri = broker.Uri, Exchange = exchange, Endpoint = Service.UniqueName("billing"), PrefetchCount = 64, ConsumerConcurrency = limit };
        var topology = new EventTopology([new EventRouteInfo(typeof(OrderPlaced).FullName!, [])]);
        await using var endpoint = new RabbitMqEndpoint(options, receiver, topology);
        await endpoint.StartAsync(default);
        await endpoint.Ready.WaitAsync(TimeSpan.FromMinutes(2));
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"));

        var sent = new List<Guid>();
        for (int i = 0; i < 40; i++)
        {
            var placed = new OrderPlaced("order-1", i);
            await orders.Store.AppendAsync(placed.StreamId, [new EventToAppend(placed)], ExpectedVersion.Any);
            sent.Add(placed.Id);
        }

        await receiver.WhenHeldAsync(limit).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(0, endpoint.Acknowledged); // sixteen in the bus, none finished: they were handed over one after the other

        receiver.ReleaseAll();
        await endpoint.WhenAsync(() => endpoint.Acknowledged == sent.Count).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(sent, receiver.Order); // handed over in the queue's order
        Assert.Equal(limit, receiver.MostHeldAtOnce);
    }

    /// <summary>A bus stand-in that keeps every received event unfinished until released (then finishes later ones at once).</summary>
    private sealed class HoldingReceiver : IEventReceiver
    {
        private readonly Lock _gate = new();
        private readonly List<TaskCompletionSource> _held = [];
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
        private bool _released;
        private int _holding;

        public List<Guid> Order { get; } = [];

        public int MostHeldAtOnce { get; private set; }

        public Task WhenHeldAsync(int count)
        {
            lock (_gate)
            {
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                Notify();
                return reached.Task;
            }
        }

        public void ReleaseAll()
        {
            TaskCompletionSource[] held;
            lock (_gate)
            {
                _released = true;
                held = [.. _held];
                _held.Clear();
                _holding = 0;
            }

            foreach (TaskCompletionSource one in held)
            {
                one.TrySetResult();
            }
        }

        public ValueTask ReceiveAsync(IEvent @event, ReceivedEventContext context, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                Order.Add(@event.Id);
                if (_released)
                {
                    return ValueTask.CompletedTask;
                }

                var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held.Add(finished);
                MostHeldAtOnce = Math.Max(MostHeldAtOnce, ++_holding);
                Notify();
                return new ValueTask(finished.Task);
            }
        }

        private void Notify()
        {
            _waiters.RemoveAll(w => _holding >= w.Count && w.Reached.TrySetResult());
        }
    }
}
