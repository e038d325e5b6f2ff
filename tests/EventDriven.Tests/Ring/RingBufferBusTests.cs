using EventDriven.Reliability;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventDriven.Tests.Ring;

public sealed class RingBufferBusTests
{
    [Fact]
    public async Task Publish_FromOneThread_ReachesTheHandlerInPublicationOrderAcrossEventTypes()
    {
        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();

        for (int i = 0; i < 10_000; i++)
        {
            if (i % 3 == 0)
            {
                await bus.PublishAsync(new TickStruct(0, i, Guid.NewGuid()));
            }
            else
            {
                await bus.PublishAsync(new Tick(0, i, Guid.Empty));
            }
        }

        await bus.StopAsync();
        Assert.Equal(Enumerable.Range(0, 10_000), services.GetRequiredService<TickLog>().Seen.Select(s => s.Number));
    }

    [Theory]
    [InlineData(WaitStrategy.Blocking, ProducerType.Multi)]
    [InlineData(WaitStrategy.Blocking, ProducerType.Single)]
    [InlineData(WaitStrategy.Yielding, ProducerType.Multi)]
    [InlineData(WaitStrategy.BusySpin, ProducerType.Single)]
    public async Task EveryWaitStrategyAndProducerType_DeliversEverythingInOrder_AcrossIdlePeriods(WaitStrategy strategy, ProducerType producer)
    {
        await using ServiceProvider services = TestBus.CreateRing(o =>
        {
            o.WaitStrategy = strategy;
            o.ProducerType = producer;
            o.RingBufferCapacity = 64;
        });
        var bus = services.GetRequiredService<EventBus>();

        for (int i = 0; i < 3_000; i++)
        {
            await bus.PublishAsync(new Tick(0, i, Guid.Empty));
            if (i % 1_000 == 999)
            {
                await Task.Delay(50); // let the consumer go idle (sleep, yield or spin) and be woken again
            }
        }

        await bus.StopAsync();
        Assert.Equal(Enumerable.Range(0, 3_000), services.GetRequiredService<TickLog>().Seen.Select(s => s.Number));
    }

    [Fact]
    public async Task Stop_DrainsEverythingPublishedBeforeIt_ThenPublishThrows()
    {
        await using ServiceProvider services = TestBus.CreateRing(o => o.RingBufferCapacity = 64);
        var bus = services.GetRequiredService<EventBus>();

        for (int i = 0; i < 5_000; i++)
        {
            await bus.PublishAsync(new Tick(0, i, Guid.Empty));
        }

        await bus.StopAsync();

        Assert.Equal(5_000, services.GetRequiredService<TickLog>().Seen.Count);
        Assert.Equal(0, bus.Counters.QueueDepth);
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await bus.PublishAsync(new Tick(0, -1, Guid.Empty)));
        Assert.Contains("stopped", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishBatch_DeliversEveryEventInOrder_EvenWhenTheBatchIsLargerThanTheRing()
    {
        await using ServiceProvider services = TestBus.CreateRing(o => o.RingBufferCapacity = 128);
        var bus = services.GetRequiredService<EventBus>();
        TickStruct[] batch = Enumerable.Range(0, 10_000).Select(i => new TickStruct(0, i, Guid.NewGuid())).ToArray();

        await bus.PublishBatchAsync<TickStruct>(batch);
        await bus.StopAsync();

        Assert.Equal(Enumerable.Range(0, 10_000), services.GetRequiredService<TickLog>().Seen.Select(s => s.Number));
    }

    [Fact]
    public async Task FailingHandler_IsRetriedExactlyMaxRetriesTimes_ThenDeadLettered_AndItsNeighbourStillRuns()
    {
        await using ServiceProvider services = TestBus.CreateRing(o => o.SetRetryPolicy<FlakyHandler>(new RetryPolicy(3, TimeSpan.FromMilliseconds(1))));
        var bus = services.GetRequiredService<EventBus>();
        var state = services.GetRequiredService<FlakyState>();
        state.FailuresLeft = int.MaxValue;
        var @event = new FlakyEvent(1);

        await bus.PublishAsync(@event);
        await bus.StopAsync();

        Assert.Equal(4, state.Calls); // 1 call + 3 retries
        Assert.Equal(1, services.GetRequiredService<Recorder>().Count);
        var sink = (InMemoryDeadLetterSink)services.GetRequiredService<IDeadLetterSink>();
        DeadLetter letter = Assert.Single(sink.Letters);
        Assert.Same(@event, letter.Event);
        Assert.Equal(typeof(FlakyHandler).FullName, letter.HandlerName);
        Assert.Equal(4, letter.Attempts);
        Assert.IsType<IOException>(letter.Exception);
        Assert.Equal("transient failure on call 4", letter.Exception.Message);
    }

    [Fact]
    public async Task FailingHandler_ThatRecoversWithinItsRetries_IsNotDeadLettered()
    {
        await using ServiceProvider services = TestBus.CreateRing(o => o.RetryPolicy = new RetryPolicy(2, TimeSpan.Zero));
        var bus = services.GetRequiredService<EventBus>();
        var state = services.GetRequiredService<FlakyState>();
        state.FailuresLeft = 2;

        await bus.PublishAsync(new FlakyEvent(1));
        await bus.StopAsync();

        Assert.Equal(3, state.Calls);
        Assert.Empty(((InMemoryDeadLetterSink)services.GetRequiredService<IDeadLetterSink>()).Letters);
    }

    [Fact]
    public async Task DefaultPolicy_CallsAFailingHandlerOnce_AndLosesNothing()
    {
        await using ServiceProvider services = TestBus.CreateRing();
        var bus = services.GetRequiredService<EventBus>();
        var state = services.GetRequiredService<FlakyState>();
        state.FailuresLeft = int.MaxValue;

        for (int i = 0; i < 10; i++)
        {
            await bus.PublishAsync(new FlakyEvent(i));
        }

        await bus.StopAsync();

        Assert.Equal(10, state.Calls);
        Assert.Equal(10, ((InMemoryDeadLetterSink)services.GetRequiredService<IDeadLetterSink>()).Count);
        Assert.Equal(10, services.GetRequiredService<Recorder>().Count);
    }

    [Fact]
    public async Task FullRing_WithFailFast_ThrowsAClearErrorAndKeepsEveryAcceptedEvent()
    {
        await using ServiceProvider services = TestBus.CreateRing(o =>
        {
            o.RingBufferCapacity = 4;
            o.SetBackpressure<FlakyEvent>(BackpressureMode.FailFast);
        });
        var bus = services.GetRequiredService<EventBus>();
        var state = services.GetRequiredService<FlakyState>();
        state.FailuresLeft = 0;
        await state.Gate.WaitAsync(); // hold the consumer inside the first event
        state.Gate = new SemaphoreSlim(0);

        int accepted = 0;
        RingBufferFullException? full = null;
        for (int i = 0; i < 100 && full is null; i++)
        {
            try
            {
                await bus.PublishAsync(new FlakyEvent(i));
                accepted++;
            }
            catch (RingBufferFullException exception)
            {
                full = exception;
            }
        }

        Assert.NotNull(full);
        Assert.Equal(4, full.Capacity);
        Assert.Contains("is full, so event 'FlakyEvent' was not published", full.Message, StringComparison.Ordinal);
        state.Gate.Release();
        await bus.StopAsync();
        Assert.Equal(accepted, state.Calls);
    }

    [Fact]
    public async Task FullRing_WithDrop_CountsTheDroppedEvents()
    {
        await using ServiceProvider services = TestBus.CreateRing(o =>
        {
            o.RingBufferCapacity = 4;
            o.Backpressure = BackpressureMode.Drop;
        });
        var bus = services.GetRequiredService<EventBus>();
        var state = services.GetRequiredService<FlakyState>();
        state.FailuresLeft = 0;
        state.Gate = new SemaphoreSlim(0);

        for (int i = 0; i < 50; i++)
        {
            await bus.PublishAsync(new FlakyEvent(i));
        }

        state.Gate.Release();
        await bus.StopAsync();
        Assert.True(bus.Counters.Dropped > 0);
        Assert.Equal(50, state.Calls + bus.Counters.Dropped);
    }

    [Fact]
    public async Task FullRing_WithWait_SuspendsThePublisherUntilTheConsumerFreesASlot()
    {
        await using ServiceProvider services = TestBus.CreateRing(o => o.RingBufferCapacity = 4);
        var bus = services.GetRequiredService<EventBus>();
        var state = services.GetRequiredService<FlakyState>();
        state.FailuresLeft = 0;
        state.Gate = new SemaphoreSlim(0);

        Task publishing = Task.Run(async () =>
        {
            for (int i = 0; i < 40; i++)
            {
                await bus.PublishAsync(new FlakyEvent(i));
            }
        });
        await Task.Delay(200);
        Assert.False(publishing.IsCompleted); // blocked on the full ring, not dropping

        state.Gate.Release();
        await publishing.WaitAsync(TimeSpan.FromSeconds(30));
        await bus.StopAsync();
        Assert.Equal(40, state.Calls);
    }

    [Fact]
    public async Task Stop_WithAStuckHandler_GivesUpAfterTheStopTimeout()
    {
        await using ServiceProvider services = TestBus.CreateRing(o => o.StopTimeout = TimeSpan.FromMilliseconds(200));
        var bus = services.GetRequiredService<EventBus>();
        await bus.PublishAsync(new StockCounted(1)); // its handler waits for cancellation

        Task stop = bus.StopAsync();
        Task finished = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(20)));

        Assert.Same(stop, finished);
        Assert.Equal(1, bus.Counters.Abandoned); // the stuck event was cancelled, and it is counted, not silently forgotten
    }

    [Fact]
    public async Task Stop_ThatGivesUp_NamesAndLogsEveryEventItAbandoned()
    {
        var logs = new CapturingLoggerProvider();
        var collection = new ServiceCollection();
        collection.AddTestState();
        collection.AddLogging(logging => logging.AddProvider(logs));
        collection.AddEventDriven(o =>
        {
            o.RingBufferCapacity = 16;
            o.StopTimeout = TimeSpan.FromMilliseconds(200); // the stuck handler waits for cancellation: the stop gives up whatever the machine's speed
        });
        await using ServiceProvider services = collection.BuildServiceProvider();
        var bus = services.GetRequiredService<EventBus>();
        var stuck = new StockCounted(1);
        var behind = new[] { new Tick(0, 1, Guid.Empty), new Tick(0, 2, Guid.Empty) };

        await bus.PublishAsync(stuck);
        foreach (Tick tick in behind)
        {
            await bus.PublishAsync(tick);
        }

        await bus.StopAsync();

        Guid[] expected = [stuck.Id, .. behind.Select(static t => t.Id)];
        Assert.Equal(3, bus.Counters.Abandoned);
        Assert.Equal(expected, bus.AbandonedEvents.Select(static e => e.EventId));
        Assert.Equal(["StockCounted", "Tick", "Tick"], bus.AbandonedEvents.Select(static e => e.EventType));
        string[] logged = [.. logs.Messages.Where(static m => m.EventName == "EventAbandoned").Select(static m => m.Message)];
        Assert.Equal(3, logged.Length);
        Assert.All(expected.Zip(logged), pair => Assert.Contains(pair.First.ToString(), pair.Second, StringComparison.Ordinal));
        Assert.Contains("(Tick, EventDriven.Tests.Fixtures.Tick)", logged[1], StringComparison.Ordinal);
        Assert.Empty(services.GetRequiredService<TickLog>().Seen); // behind the stuck event: never handled, and said so
    }

    [Fact]
    public async Task Partitions_KeepPerKeyOrder_AndDeliverEveryEventOnce()
    {
        await using ServiceProvider services = TestBus.CreateRing(o => o.Partitions = 4);
        var bus = services.GetRequiredService<EventBus>();
        Guid[] keys = Enumerable.Range(0, 16).Select(_ => Guid.NewGuid()).ToArray();

        for (int i = 0; i < 8_000; i++)
        {
            await bus.PublishAsync(new Tick(i % 16, i, keys[i % 16]));
        }

        await bus.StopAsync();
        var seen = services.GetRequiredService<TickLog>().Seen.ToArray();
        Assert.Equal(8_000, seen.Length);
        foreach (var perKey in seen.GroupBy(s => s.Producer))
        {
            int[] numbers = perKey.Select(s => s.Number).ToArray();
            Assert.Equal(numbers.Order(), numbers);
            Assert.Equal(500, numbers.Length);
        }
    }
}
