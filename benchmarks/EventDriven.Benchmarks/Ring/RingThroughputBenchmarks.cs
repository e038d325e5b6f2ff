using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using EventDriven.Benchmarks.Dispatch;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Benchmarks.Ring;

/// <summary>
/// End-to-end throughput of the ring-buffer bus against <see cref="Channel"/>s and a bounded <see cref="BlockingCollection{T}"/> doing the
/// same work, and a raw SPSC ring (the floor).
/// One operation publishes <see cref="RingBench.EventsPerOp"/> events and returns when the consumer has run the three synchronous
/// handlers (RingHandlerA/B/C, the logic of Dispatch/HandlerA/B/C) on every one of them, so Mean is the cost per event including the
/// hand-off to the consumer core; the producer is the benchmark thread (plus one helper thread for two producers).
/// </summary>
/// <remarks>
/// <para>
/// Every consumer lives for the whole benchmark (one bus, Channel or raw ring per case, created in its [GlobalSetup]); an operation
/// ends when the handlers' <see cref="RingSink.Handled"/> count reaches everything published so far. The events are 1,000 pre-built
/// instances cycled through, so allocation figures are the transport's own. The bus is used as applications use it: publishing
/// through <see cref="IEventBus"/> with default options except the ones named, <see cref="WaitStrategy.Blocking"/> included.
/// </para>
/// <para>The bounded Channel (same capacity as the ring, <see cref="BoundedChannelFullMode.Wait"/>) is the baseline of each category.</para>
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(RingConfig))]
public class RingThroughputBenchmarks
{
    public const string OneProducerClass = "1 producer, class event";
    public const string OneProducerStruct = "1 producer, struct event";
    public const string TwoProducers = "2 producers, class event";
    public const string Keyed = "Keyed class event, by partition";

    private const int Events = RingBench.EventsPerOp;

    private readonly RingOrder[] _orders = Enumerable.Range(0, RingBench.BatchSize).Select(i => new RingOrder { Amount = i }).ToArray();
    private readonly RingPrice[] _prices = Enumerable.Range(0, RingBench.BatchSize).Select(i => new RingPrice(Guid.NewGuid(), i)).ToArray();
    private readonly KeyedOrder[] _keyed = BalancedKeyedOrders(RingBench.BatchSize);

    private RingSink _sink = new();
    private LaneSinks _lanes = new();
    private long _target; // events published to _sink's handlers (or through the hand-off-only ring)
    private long _laneTarget; // events published to _lanes' handlers

    private ServiceProvider? _services;
    private IEventBus _bus = null!;
    private EventBus _concreteBus = null!;

    private ChannelWriter<RingOrder> _orderWriter = null!;
    private ChannelWriter<RingPrice> _priceWriter = null!;
    private ChannelWriter<KeyedOrder>[] _keyedWriters = [];
    private readonly List<ChannelWriter<RingOrder>> _completeOnCleanup = [];
    private readonly List<Task> _readers = [];

    private BlockingCollection<RingOrder>? _orderCollection;
    private BlockingCollection<RingPrice>? _priceCollection;
    private Thread? _collectionConsumer;

    private SpscRing? _spsc;
    private bool _spscHandoffOnly;
    private HelperThread? _helper;

    // ---------------------------------------------------------------- 1 producer, class event

    [Benchmark(OperationsPerInvoke = Events, Baseline = true, Description = "Channel bounded (65,536), class")]
    [BenchmarkCategory(OneProducerClass)]
    public void Channel_Bounded_Class()
    {
        Write(_orderWriter, _orders, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "Channel unbounded, class")]
    [BenchmarkCategory(OneProducerClass)]
    public void Channel_Unbounded_Class()
    {
        Write(_orderWriter, _orders, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "BlockingCollection bounded (65,536), class")]
    [BenchmarkCategory(OneProducerClass)]
    public void BlockingCollection_Class()
    {
        Add(_orderCollection!, _orders, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven ring, Multi, class")]
    [BenchmarkCategory(OneProducerClass)]
    public void Ring_Multi_Class()
    {
        Publish(_bus, _orders, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven ring, Single, class")]
    [BenchmarkCategory(OneProducerClass)]
    public void Ring_Single_Class()
    {
        Publish(_bus, _orders, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven PublishBatchAsync(1,000), Multi, class")]
    [BenchmarkCategory(OneProducerClass)]
    public void Ring_Batch_Multi_Class()
    {
        PublishBatches(_concreteBus, _orders, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven PublishBatchAsync(1,000), Single, class")]
    [BenchmarkCategory(OneProducerClass)]
    public void Ring_Batch_Single_Class()
    {
        PublishBatches(_concreteBus, _orders, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "Raw SPSC ring + 3 handlers (floor)")]
    [BenchmarkCategory(OneProducerClass)]
    public void Spsc_Handlers_Class()
    {
        PublishSpsc(_spsc!, _orders, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "Raw SPSC ring, hand-off only (no handlers)")]
    [BenchmarkCategory(OneProducerClass)]
    public void Spsc_HandoffOnly()
    {
        PublishSpsc(_spsc!, _orders, RingBench.Rounds);
        _target += RingBench.Rounds * (long)RingBench.BatchSize;
        RingBench.WaitUntil(ref _spsc!.Consumed, _target);
    }

    // ---------------------------------------------------------------- 1 producer, struct event

    [Benchmark(OperationsPerInvoke = Events, Baseline = true, Description = "Channel bounded (65,536), struct")]
    [BenchmarkCategory(OneProducerStruct)]
    public void Channel_Bounded_Struct()
    {
        Write(_priceWriter, _prices, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "Channel unbounded, struct")]
    [BenchmarkCategory(OneProducerStruct)]
    public void Channel_Unbounded_Struct()
    {
        Write(_priceWriter, _prices, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "BlockingCollection bounded (65,536), struct")]
    [BenchmarkCategory(OneProducerStruct)]
    public void BlockingCollection_Struct()
    {
        Add(_priceCollection!, _prices, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven ring, Multi, struct")]
    [BenchmarkCategory(OneProducerStruct)]
    public void Ring_Multi_Struct()
    {
        Publish(_bus, _prices, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven ring, Single, struct")]
    [BenchmarkCategory(OneProducerStruct)]
    public void Ring_Single_Struct()
    {
        Publish(_bus, _prices, RingBench.Rounds);
        WaitHandled();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven PublishBatchAsync(1,000), Single, struct")]
    [BenchmarkCategory(OneProducerStruct)]
    public void Ring_Batch_Single_Struct()
    {
        PublishBatches(_concreteBus, _prices, RingBench.Rounds);
        WaitHandled();
    }

    // ---------------------------------------------------------------- 2 producers, class event

    [Benchmark(OperationsPerInvoke = Events, Baseline = true, Description = "Channel bounded (65,536), 2 writers")]
    [BenchmarkCategory(TwoProducers)]
    public void Channel_Bounded_TwoProducers() => TwoProducersThenWait();

    [Benchmark(OperationsPerInvoke = Events, Description = "Channel unbounded, 2 writers")]
    [BenchmarkCategory(TwoProducers)]
    public void Channel_Unbounded_TwoProducers() => TwoProducersThenWait();

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven ring, Multi, 2 producers")]
    [BenchmarkCategory(TwoProducers)]
    public void Ring_Multi_TwoProducers() => TwoProducersThenWait();

    // ---------------------------------------------------------------- keyed events, 2 consumers

    [Benchmark(OperationsPerInvoke = Events, Baseline = true, Description = "2 bounded Channels by key, 1 reader each")]
    [BenchmarkCategory(Keyed)]
    public void Channel_Bounded_TwoReaders()
    {
        ChannelWriter<KeyedOrder>[] writers = _keyedWriters;
        KeyedOrder[] events = _keyed;
        for (int round = 0; round < RingBench.Rounds; round++)
        {
            foreach (KeyedOrder e in events)
            {
                ValueTask write = writers[e.Lane].WriteAsync(e);
                if (!write.IsCompletedSuccessfully)
                {
                    RingBench.Block(write);
                }
            }
        }

        WaitLanes();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven ring, Partitions = 2 (IPartitionedEvent)")]
    [BenchmarkCategory(Keyed)]
    public void Ring_Partitions2()
    {
        Publish(_bus, _keyed, RingBench.Rounds);
        WaitLanes();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "EventDriven ring, Partitions = 1 (same events, 1 consumer)")]
    [BenchmarkCategory(Keyed)]
    public void Ring_Partitions1()
    {
        Publish(_bus, _keyed, RingBench.Rounds);
        WaitLanes();
    }

    // ---------------------------------------------------------------- setups

    [GlobalSetup(Target = nameof(Channel_Bounded_Class))]
    public void SetupChannelBoundedClass() => StartOrderChannel(bounded: true, singleWriter: true);

    [GlobalSetup(Target = nameof(Channel_Unbounded_Class))]
    public void SetupChannelUnboundedClass() => StartOrderChannel(bounded: false, singleWriter: true);

    [GlobalSetup(Target = nameof(Channel_Bounded_TwoProducers))]
    public void SetupChannelBoundedTwoProducers() => StartTwoProducers(() => StartOrderChannel(bounded: true, singleWriter: false), () => Write(_orderWriter, _orders, RingBench.Rounds / 2));

    [GlobalSetup(Target = nameof(Channel_Unbounded_TwoProducers))]
    public void SetupChannelUnboundedTwoProducers() => StartTwoProducers(() => StartOrderChannel(bounded: false, singleWriter: false), () => Write(_orderWriter, _orders, RingBench.Rounds / 2));

    [GlobalSetup(Target = nameof(Channel_Bounded_Struct))]
    public void SetupChannelBoundedStruct() => StartPriceChannel(bounded: true);

    [GlobalSetup(Target = nameof(Channel_Unbounded_Struct))]
    public void SetupChannelUnboundedStruct() => StartPriceChannel(bounded: false);

    [GlobalSetup(Target = nameof(BlockingCollection_Class))]
    public void SetupBlockingCollectionClass()
    {
        ResetSinks();
        _orderCollection = new BlockingCollection<RingOrder>(RingBench.Capacity);
        _collectionConsumer = StartCollectionConsumer(_orderCollection, _sink);
        Add(_orderCollection, _orders, 1);
        _target += RingBench.BatchSize;
        RingBench.WaitUntil(ref _sink.Handled, _target);
    }

    [GlobalSetup(Target = nameof(BlockingCollection_Struct))]
    public void SetupBlockingCollectionStruct()
    {
        ResetSinks();
        _priceCollection = new BlockingCollection<RingPrice>(RingBench.Capacity);
        _collectionConsumer = StartCollectionConsumer(_priceCollection, _sink);
        Add(_priceCollection, _prices, 1);
        _target += RingBench.BatchSize;
        RingBench.WaitUntil(ref _sink.Handled, _target);
    }

    [GlobalSetup(Target = nameof(Channel_Bounded_TwoReaders))]
    public void SetupChannelTwoReaders()
    {
        ResetSinks();
        var handlers = (new KeyedHandlerA(_lanes), new KeyedHandlerB(_lanes), new KeyedHandlerC(_lanes));
        _keyedWriters = new ChannelWriter<KeyedOrder>[2];
        for (int lane = 0; lane < _keyedWriters.Length; lane++)
        {
            Channel<KeyedOrder> channel = Channel.CreateBounded<KeyedOrder>(BoundedOptions(singleWriter: true));
            _keyedWriters[lane] = channel.Writer;
            _readers.Add(Task.Run(() => ConsumeAsync(channel.Reader, handlers.Item1, handlers.Item2, handlers.Item3)));
        }

        Channel_Bounded_TwoReaders();
    }

    [GlobalSetup(Targets = [nameof(Ring_Multi_Class), nameof(Ring_Multi_Struct), nameof(Ring_Batch_Multi_Class)])]
    public void SetupRingMulti() => StartBus(o => o.ProducerType = ProducerType.Multi);

    [GlobalSetup(Targets = [nameof(Ring_Single_Class), nameof(Ring_Single_Struct), nameof(Ring_Batch_Single_Class), nameof(Ring_Batch_Single_Struct)])]
    public void SetupRingSingle() => StartBus(o => o.ProducerType = ProducerType.Single);

    [GlobalSetup(Target = nameof(Ring_Multi_TwoProducers))]
    public void SetupRingTwoProducers() => StartTwoProducers(() => StartBus(o => o.ProducerType = ProducerType.Multi), () => Publish(_bus, _orders, RingBench.Rounds / 2));

    [GlobalSetup(Target = nameof(Ring_Partitions2))]
    public void SetupRingPartitions2()
    {
        StartBus(o => o.Partitions = 2);
        Ring_Partitions2();
    }

    [GlobalSetup(Target = nameof(Ring_Partitions1))]
    public void SetupRingPartitions1()
    {
        StartBus(o => o.Partitions = 1);
        Ring_Partitions1();
    }

    [GlobalSetup(Target = nameof(Spsc_Handlers_Class))]
    public void SetupSpscHandlers()
    {
        ResetSinks();
        _spsc = new SpscRing(RingBench.Capacity, new RingHandlerA(_sink), new RingHandlerB(_sink), new RingHandlerC(_sink));
    }

    [GlobalSetup(Target = nameof(Spsc_HandoffOnly))]
    public void SetupSpscHandoffOnly()
    {
        ResetSinks();
        _spscHandoffOnly = true;
        _spsc = new SpscRing(RingBench.Capacity, null, null, null);
    }

    /// <summary>Stops every consumer, then checks that each event published was handled exactly once.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _helper?.Dispose();
        foreach (ChannelWriter<RingOrder> writer in _completeOnCleanup)
        {
            writer.TryComplete();
        }

        _priceWriter?.TryComplete();
        foreach (ChannelWriter<KeyedOrder> writer in _keyedWriters)
        {
            writer.TryComplete();
        }

        Task.WaitAll(_readers);
        _orderCollection?.CompleteAdding();
        _priceCollection?.CompleteAdding();
        _collectionConsumer?.Join();
        _spsc?.Dispose();
        if (_services is not null)
        {
            _concreteBus.StopAsync().GetAwaiter().GetResult();
            _services.Dispose();
        }

        long handled = _spscHandoffOnly ? Volatile.Read(ref _spsc!.Consumed) : Volatile.Read(ref _sink.Handled);
        if (handled != _target || _lanes.Handled != _laneTarget)
        {
            throw new InvalidOperationException($"{handled} + {_lanes.Handled} events were handled, {_target} + {_laneTarget} published.");
        }
    }

    // ---------------------------------------------------------------- producers

    private static void Publish(IEventBus bus, RingOrder[] events, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            foreach (RingOrder e in events)
            {
                ValueTask publish = bus.PublishAsync(e);
                if (!publish.IsCompletedSuccessfully)
                {
                    RingBench.Block(publish);
                }
            }
        }
    }

    private static void Publish(IEventBus bus, RingPrice[] events, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            foreach (RingPrice e in events)
            {
                ValueTask publish = bus.PublishAsync(e);
                if (!publish.IsCompletedSuccessfully)
                {
                    RingBench.Block(publish);
                }
            }
        }
    }

    private static void Publish(IEventBus bus, KeyedOrder[] events, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            foreach (KeyedOrder e in events)
            {
                ValueTask publish = bus.PublishAsync(e);
                if (!publish.IsCompletedSuccessfully)
                {
                    RingBench.Block(publish);
                }
            }
        }
    }

    private static void PublishBatches<TEvent>(EventBus bus, TEvent[] events, int rounds)
        where TEvent : IEvent
    {
        ReadOnlyMemory<TEvent> batch = events;
        for (int round = 0; round < rounds; round++)
        {
            ValueTask publish = bus.PublishBatchAsync(batch);
            if (!publish.IsCompletedSuccessfully)
            {
                RingBench.Block(publish);
            }
        }
    }

    private static void Write<TEvent>(ChannelWriter<TEvent> writer, TEvent[] events, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            foreach (TEvent e in events)
            {
                ValueTask write = writer.WriteAsync(e);
                if (!write.IsCompletedSuccessfully)
                {
                    RingBench.Block(write);
                }
            }
        }
    }

    private static void Add<TEvent>(BlockingCollection<TEvent> collection, TEvent[] events, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            foreach (TEvent e in events)
            {
                collection.Add(e);
            }
        }
    }

    private static void PublishSpsc(SpscRing ring, RingOrder[] events, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            foreach (RingOrder e in events)
            {
                ring.Publish(e);
            }
        }
    }

    /// <summary>The helper thread publishes half the rounds (<see cref="RingBench.Rounds"/> is even), this thread the other half.</summary>
    private void TwoProducersThenWait()
    {
        _helper!.Start();
        _helper.Work.Invoke();
        _helper.Join();
        WaitHandled();
    }

    private void WaitHandled()
    {
        _target += RingBench.Rounds * (long)RingBench.BatchSize;
        RingBench.WaitUntil(ref _sink.Handled, _target);
    }

    private void WaitLanes()
    {
        _laneTarget += RingBench.Rounds * (long)RingBench.BatchSize;
        RingBench.WaitUntil(_lanes, _laneTarget);
    }

    // ---------------------------------------------------------------- consumers

    private void ResetSinks()
    {
        _sink = new RingSink();
        _lanes = new LaneSinks();
        _target = 0;
        _laneTarget = 0;
    }

    private static BoundedChannelOptions BoundedOptions(bool singleWriter) => new(RingBench.Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = singleWriter,
    };

    private void StartOrderChannel(bool bounded, bool singleWriter)
    {
        ResetSinks();
        Channel<RingOrder> channel = bounded
            ? Channel.CreateBounded<RingOrder>(BoundedOptions(singleWriter))
            : Channel.CreateUnbounded<RingOrder>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = singleWriter });
        _orderWriter = channel.Writer;
        _completeOnCleanup.Add(channel.Writer);
        RingSink sink = _sink;
        _readers.Add(Task.Run(() => ConsumeAsync(channel.Reader, new RingHandlerA(sink), new RingHandlerB(sink), new RingHandlerC(sink))));
        Write(_orderWriter, _orders, 1);
        _target += RingBench.BatchSize;
        RingBench.WaitUntil(ref _sink.Handled, _target);
    }

    private void StartPriceChannel(bool bounded)
    {
        ResetSinks();
        Channel<RingPrice> channel = bounded
            ? Channel.CreateBounded<RingPrice>(BoundedOptions(singleWriter: true))
            : Channel.CreateUnbounded<RingPrice>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _priceWriter = channel.Writer;
        RingSink sink = _sink;
        _readers.Add(Task.Run(() => ConsumeAsync(channel.Reader, new RingHandlerA(sink), new RingHandlerB(sink), new RingHandlerC(sink))));
        Write(_priceWriter, _prices, 1);
        _target += RingBench.BatchSize;
        RingBench.WaitUntil(ref _sink.Handled, _target);
    }

    private void StartTwoProducers(Action start, Action half)
    {
        start();
        _helper = new HelperThread("Second producer") { Work = half };
    }

    private void StartBus(Action<EventDrivenOptions> configure)
    {
        ResetSinks();
        var services = new ServiceCollection();
        services.AddSingleton(_sink);
        services.AddSingleton(_lanes);
        services.AddSingleton(new Peers.PeerSink()); // Peers/Handler0..9 are in the table too.
        services.AddSingleton(new Sink()); // Dispatch/HandlerA/B/C are registered too (same assembly); they receive no events here.
        services.AddEventDriven(options =>
        {
            options.RingBufferCapacity = RingBench.Capacity;
            configure(options);
        });
        _services = services.BuildServiceProvider();
        _concreteBus = _services.GetRequiredService<EventBus>();
        _bus = _services.GetRequiredService<IEventBus>();
        _concreteBus.StartAsync().GetAwaiter().GetResult();

        // One round of each plain event type, so the consumer thread runs and the struct column exists before the first measurement.
        Publish(_bus, _orders, 1);
        Publish(_bus, _prices, 1);
        _target += 2 * RingBench.BatchSize;
        RingBench.WaitUntil(ref _sink.Handled, _target);
    }

    // The Channel consumer as it is usually written: wait, then drain with TryRead; each handler's ValueTask is awaited.

    private static async Task ConsumeAsync(ChannelReader<RingOrder> reader, RingHandlerA a, RingHandlerB b, RingHandlerC c)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out RingOrder? e))
            {
                await a.HandleAsync(e).ConfigureAwait(false);
                await b.HandleAsync(e).ConfigureAwait(false);
                await c.HandleAsync(e).ConfigureAwait(false);
            }
        }
    }

    private static async Task ConsumeAsync(ChannelReader<RingPrice> reader, RingHandlerA a, RingHandlerB b, RingHandlerC c)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out RingPrice e))
            {
                await a.HandleAsync(e).ConfigureAwait(false);
                await b.HandleAsync(e).ConfigureAwait(false);
                await c.HandleAsync(e).ConfigureAwait(false);
            }
        }
    }

    private static async Task ConsumeAsync(ChannelReader<KeyedOrder> reader, KeyedHandlerA a, KeyedHandlerB b, KeyedHandlerC c)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out KeyedOrder? e))
            {
                await a.HandleAsync(e).ConfigureAwait(false);
                await b.HandleAsync(e).ConfigureAwait(false);
                await c.HandleAsync(e).ConfigureAwait(false);
            }
        }
    }

    // The BlockingCollection consumer as it is usually written: one dedicated thread draining GetConsumingEnumerable, calling the
    // handlers synchronously (their ValueTasks complete at once; GetResult would rethrow a failure).

    private static Thread StartCollectionConsumer(BlockingCollection<RingOrder> collection, RingSink sink)
    {
        var thread = new Thread(() =>
        {
            var (a, b, c) = (new RingHandlerA(sink), new RingHandlerB(sink), new RingHandlerC(sink));
            foreach (RingOrder e in collection.GetConsumingEnumerable())
            {
                a.HandleAsync(e).GetAwaiter().GetResult();
                b.HandleAsync(e).GetAwaiter().GetResult();
                c.HandleAsync(e).GetAwaiter().GetResult();
            }
        }) { IsBackground = true, Name = "BlockingCollection consumer" };
        thread.Start();
        return thread;
    }

    private static Thread StartCollectionConsumer(BlockingCollection<RingPrice> collection, RingSink sink)
    {
        var thread = new Thread(() =>
        {
            var (a, b, c) = (new RingHandlerA(sink), new RingHandlerB(sink), new RingHandlerC(sink));
            foreach (RingPrice e in collection.GetConsumingEnumerable())
            {
                a.HandleAsync(e).GetAwaiter().GetResult();
                b.HandleAsync(e).GetAwaiter().GetResult();
                c.HandleAsync(e).GetAwaiter().GetResult();
            }
        }) { IsBackground = true, Name = "BlockingCollection consumer" };
        thread.Start();
        return thread;
    }

    /// <summary>Keyed events, exactly half in each lane (partition), interleaved at random.</summary>
    private static KeyedOrder[] BalancedKeyedOrders(int count)
    {
        var lanes = new List<KeyedOrder>[] { [], [] };
        while (lanes[0].Count < count / 2 || lanes[1].Count < count - count / 2)
        {
            var order = new KeyedOrder(Guid.NewGuid()) { Amount = lanes[0].Count + lanes[1].Count };
            int limit = order.Lane == 0 ? count / 2 : count - count / 2;
            if (lanes[order.Lane].Count < limit)
            {
                lanes[order.Lane].Add(order);
            }
        }

        var random = new Random(42);
        KeyedOrder[] all = [.. lanes[0], .. lanes[1]];
        random.Shuffle(all);
        return all;
    }
}
