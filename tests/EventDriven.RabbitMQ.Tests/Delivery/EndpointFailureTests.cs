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

/// <summary>Several instances of one service on one endpoint queue: competing consumers share it; with a single active consumer one takes all.</summary>
public sealed class CompetingConsumerTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoInstancesOfOneEndpoint_EachEventHandledByOneOfThem_AndASingleActiveConsumerTakesThemAll(bool singleActive)
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        string queue = Service.UniqueName("billing");
        var topology = new EventTopology([new EventRouteInfo(typeof(OrderPlaced).FullName!, [])]);
        var first = new CountingReceiver();
        var second = new CountingReceiver();
        RabbitMqOptions Options() => new() { Uri = broker.Uri, Exchange = exchange, Endpoint = queue, PrefetchCount = 1, SingleActiveConsumer = singleActive };
        await using var one = new RabbitMqEndpoint(Options(), first, topology);
        await using var two = new RabbitMqEndpoint(Options(), second, topology);
        await one.StartAsync(default);
        await one.Ready.WaitAsync(TimeSpan.FromMinutes(2));
        await two.StartAsync(default);
        await two.Ready.WaitAsync(TimeSpan.FromMinutes(2));
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("OrderPlaced"));

        var ids = new List<Guid>();
        for (int i = 0; i < 60; i++)
        {
            var placed = new OrderPlaced($"order-{i % 6}", i);
            await orders.Store.AppendAsync(placed.StreamId, [new EventToAppend(placed)], ExpectedVersion.Any);
            ids.Add(placed.Id);
        }

        await CountingReceiver.WhenAllAsync([first, second], ids.Count).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(ids.Order(), first.Ids.Concat(second.Ids).Order()); // each event once, by one instance
        if (singleActive)
        {
            Assert.Empty(second.Ids); // the first to register is the active one; the second waits to take over
            Assert.Equal(ids, first.Ids); // and the queue's order is kept
        }
        else
        {
            Assert.NotEmpty(first.Ids);
            Assert.NotEmpty(second.Ids);
        }
    }

    private sealed class CountingReceiver : IEventReceiver
    {
        private static readonly Lock s_gate = new();
        private static readonly List<(CountingReceiver[] Receivers, int Count, TaskCompletionSource Reached)> s_waiters = [];
        private readonly List<Guid> _ids = [];

        public IReadOnlyList<Guid> Ids
        {
            get
            {
                lock (s_gate)
                {
                    return [.. _ids];
                }
            }
        }

        public static Task WhenAllAsync(CountingReceiver[] receivers, int count)
        {
            lock (s_gate)
            {
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                s_waiters.Add((receivers, count, reached));
                Release();
                return reached.Task;
            }
        }

        public ValueTask ReceiveAsync(IEvent @event, ReceivedEventContext context, CancellationToken cancellationToken = default)
        {
            lock (s_gate)
            {
                _ids.Add(@event.Id);
                Release();
            }

            return ValueTask.CompletedTask;
        }

        private static void Release()
        {
            foreach ((CountingReceiver[] receivers, int count, TaskCompletionSource reached) in s_waiters)
            {
                if (receivers.Sum(static r => r._ids.Count) >= count)
                {
                    reached.TrySetResult();
                }
            }
        }
    }
}
