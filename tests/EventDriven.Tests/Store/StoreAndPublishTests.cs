using EventDriven.Reliability;
using EventDriven.Serialization;
using EventDriven.Store;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Store;

public sealed class StoreAndPublishTests
{
    [Theory]
    [InlineData(DispatchMode.RingBuffer, EventStorage.BeforeDispatch)]
    [InlineData(DispatchMode.RingBuffer, EventStorage.AfterDispatch)]
    [InlineData(DispatchMode.Inline, EventStorage.BeforeDispatch)]
    [InlineData(DispatchMode.Inline, EventStorage.AfterDispatch)]
    public async Task Every_published_event_and_its_follow_ups_are_stored_once_with_causation(DispatchMode mode, EventStorage storage)
    {
        InMemoryEventStore store = StoreTestJson.CreateStore();
        await using ServiceProvider provider = Create(store, mode, storage);
        EventBus bus = provider.GetRequiredService<EventBus>();

        var orders = Enumerable.Range(0, 500).Select(_ => new OrderPlaced(Guid.NewGuid())).ToList();
        foreach (OrderPlaced order in orders)
        {
            await bus.PublishAsync(order);
        }

        await bus.StopAsync();

        List<StoredEvent> all = await ReadAllAsync(store);
        Assert.Equal(orders.Count * 2, all.Count); // each OrderPlaced, and the PriceChanged its handler publishes
        Assert.Equal(all.Count, all.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Position));
        Assert.Equal(all.Count, bus.Counters.Stored);

        Dictionary<Guid, StoredEvent> byId = all.ToDictionary(e => e.EventId);
        foreach (OrderPlaced order in orders)
        {
            StoredEvent stored = byId[order.Id];
            Assert.Equal("OrderPlaced", stored.EventType);
            Assert.Null(stored.CausationId);
            Assert.Equal(order.Id, stored.CorrelationId);
            Assert.Equal(order, store.Serializer.Deserialize(stored));
        }

        List<StoredEvent> prices = all.Where(e => e.EventType == "PriceChanged").ToList();
        Assert.Equal(orders.Count, prices.Count);
        if (mode == DispatchMode.RingBuffer)
        {
            // Causation is recorded for publishes made synchronously by a handler on the consumer thread (EventContext).
            Assert.All(prices, p => Assert.Contains(p.CausationId!.Value, byId.Keys));
            Assert.All(prices, p => Assert.Equal(p.CausationId, p.CorrelationId));
        }
    }

    [Theory]
    [InlineData(DispatchMode.RingBuffer, EventStorage.BeforeDispatch, true)]
    [InlineData(DispatchMode.RingBuffer, EventStorage.AfterDispatch, false)]
    [InlineData(DispatchMode.Inline, EventStorage.BeforeDispatch, true)]
    [InlineData(DispatchMode.Inline, EventStorage.AfterDispatch, false)]
    public async Task Before_dispatch_handlers_see_their_event_stored_and_after_dispatch_they_do_not(DispatchMode mode, EventStorage storage, bool expectStored)
    {
        InMemoryEventStore store = StoreTestJson.CreateStore();
        await using ServiceProvider provider = Create(store, mode, storage);
        EventBus bus = provider.GetRequiredService<EventBus>();
        var observer = new StoreObserver(store);
        using IDisposable subscription = bus.Subscribe(observer);

        var coupon = new CouponApplied("SPRING");
        await bus.PublishAsync(coupon);
        await bus.StopAsync();

        Assert.Equal([expectStored], observer.SawStored);
        Assert.Equal(1, await store.GetLastPositionAsync());
    }

    [Theory]
    [InlineData(DispatchMode.RingBuffer)]
    [InlineData(DispatchMode.Inline)]
    public async Task Events_nobody_handles_are_stored_in_publication_order_with_the_others(DispatchMode mode)
    {
        InMemoryEventStore store = StoreTestJson.CreateStore();
        var services = new ServiceCollection().AddTestState();
        services.AddSingleton<IEventStore>(store);
        services.AddEventDriven(o =>
        {
            o.DispatchMode = mode;
            o.RingBufferCapacity = 1024;
            o.EventStorage = EventStorage.AfterDispatch;
            o.StreamSelector = _ => "everything";
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        EventBus bus = provider.GetRequiredService<EventBus>();

        List<Guid> published = [];
        for (int i = 0; i < 200; i++)
        {
            // CouponApplied has no handler at all; OrderPlaced has four, one of which publishes a PriceChanged.
            IEvent @event = i % 3 == 0 ? new CouponApplied("C" + i) : new OrderPlaced(Guid.NewGuid());
            published.Add(@event.Id);
            await (@event is CouponApplied coupon ? bus.PublishAsync(coupon) : bus.PublishAsync((OrderPlaced)@event));
        }

        await bus.StopAsync();

        List<Guid> stored = (await ReadAllAsync(store)).Where(e => e.EventType != "PriceChanged").Select(e => e.EventId).ToList();
        Assert.Equal(published, stored);
    }

    [Fact]
    public async Task Storage_without_a_registered_store_fails_when_the_bus_is_built_and_names_the_fix()
    {
        var services = new ServiceCollection().AddTestState();
        services.AddEventDriven(o => o.EventStorage = EventStorage.BeforeDispatch);
        await using ServiceProvider provider = services.BuildServiceProvider();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEventBus>());
        Assert.Contains("no IEventStore is registered", error.Message);
        Assert.Contains("AddEventDrivenSqlite", error.Message);
    }

    [Theory]
    [InlineData(DispatchMode.RingBuffer)]
    [InlineData(DispatchMode.Inline)]
    public async Task An_event_the_store_refuses_is_dead_lettered_and_the_rest_of_its_batch_is_stored_and_handled(DispatchMode mode)
    {
        // CouponApplied("x…") serializes over the limit; OrderPlaced and PriceChanged fit.
        InMemoryEventStore store = StoreTestJson.CreateStore(maxEventSize: 250);
        var letters = new InMemoryDeadLetterSink();
        await using ServiceProvider provider = Create(store, mode, EventStorage.BeforeDispatch, letters);
        EventBus bus = provider.GetRequiredService<EventBus>();
        var handled = new List<string>();
        using IDisposable subscription = bus.Subscribe(new CouponRecorder(handled));

        var big = new CouponApplied(new string('x', 400));
        var order = new OrderPlaced(Guid.NewGuid());
        await bus.PublishAsync(big);
        await bus.PublishAsync(order);
        await bus.StopAsync();

        DeadLetter letter = Assert.Single(letters.Letters);
        Assert.Equal(big.Id, letter.Event.Id);
        Assert.Equal("EventDriven.EventStore", letter.HandlerName);
        Assert.IsType<EventTooLargeException>(letter.Exception);
        Assert.Equal(1, bus.Counters.StoreRejected);
        Assert.Equal([big.Code], handled); // still dispatched: storage failures never drop an event
        List<StoredEvent> all = await ReadAllAsync(store);
        Assert.Contains(all, e => e.EventId == order.Id);
        Assert.DoesNotContain(all, e => e.EventId == big.Id);
    }

    [Fact]
    public async Task A_store_that_fails_for_a_while_is_retried_and_every_event_ends_up_stored_once()
    {
        var store = new FlakyStore(StoreTestJson.CreateStore(), failures: 2);
        await using ServiceProvider provider = Create(store, DispatchMode.RingBuffer, EventStorage.BeforeDispatch);
        EventBus bus = provider.GetRequiredService<EventBus>();

        var coupons = Enumerable.Range(0, 20).Select(i => new CouponApplied("C" + i)).ToList();
        foreach (CouponApplied coupon in coupons)
        {
            await bus.PublishAsync(coupon);
        }

        await bus.StopAsync();

        Assert.Equal((0L, 0L, 0L, 20L), (bus.Counters.ConsumerFaults, bus.Counters.StoreRejected, bus.Counters.Dropped, bus.Counters.Stored));
        List<StoredEvent> all = await ReadAllAsync(store.Inner);
        Assert.Equal(coupons.Select(c => c.Id).Order(), all.Select(e => e.EventId).Order());
        Assert.Equal(2, store.Failed);
        Assert.Equal(0, bus.Counters.StoreRejected);
    }

    [Fact]
    public async Task A_store_that_keeps_failing_is_retried_as_the_store_retry_policy_says_on_the_registered_clock_then_dead_lettered()
    {
        var store = new FlakyStore(StoreTestJson.CreateStore(), failures: int.MaxValue);
        var letters = new InMemoryDeadLetterSink();
        var clock = new Sagas.ManualTimeProvider();
        var services = new ServiceCollection().AddTestState();
        services.AddSingleton<IEventStore>(store).AddSingleton<IDeadLetterSink>(letters).AddSingleton<TimeProvider>(clock);
        services.AddEventDriven(o =>
        {
            o.DispatchMode = DispatchMode.Inline;
            o.EventStorage = EventStorage.BeforeDispatch;
            o.StoreRetryPolicy = new RetryPolicy(MaxRetries: 2, InitialBackoff: TimeSpan.FromMinutes(1));
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        EventBus bus = provider.GetRequiredService<EventBus>();

        var coupon = new CouponApplied("NEVER-STORED");
        ValueTask publish = bus.PublishAsync(coupon);
        for (int advanced = 0; !publish.IsCompleted && advanced < 1_000; advanced++)
        {
            clock.Advance(TimeSpan.FromMinutes(1)); // the back-off waits on the registered clock, never on the wall clock
            await Task.Yield();
        }

        await publish;
        Assert.Equal(3, store.Failed); // the first append and the policy's two retries
        DeadLetter letter = Assert.Single(letters.Letters);
        Assert.Equal(("EventDriven.EventStore", 3, coupon.Id), (letter.HandlerName, letter.Attempts, letter.Event.Id));
        Assert.Equal(1, bus.Counters.StoreRejected);
    }

    [Fact]
    public async Task An_event_whose_name_is_already_another_types_is_dead_lettered_at_once_with_the_reason_never_retried()
    {
        // The store's registry names CouponApplied; ImpostorCoupon claims the same name at run time (its copy of a contract, say).
        InMemoryEventStore store = StoreTestJson.CreateStore();
        var letters = new InMemoryDeadLetterSink();
        var clock = new Sagas.ManualTimeProvider();
        var services = new ServiceCollection().AddTestState();
        services.AddSingleton<IEventStore>(store).AddSingleton<IDeadLetterSink>(letters).AddSingleton<TimeProvider>(clock);
        services.AddEventDriven(o =>
        {
            o.DispatchMode = DispatchMode.Inline;
            o.EventStorage = EventStorage.BeforeDispatch;
            o.StoreRetryPolicy = new RetryPolicy(MaxRetries: 5, InitialBackoff: TimeSpan.FromMinutes(1));
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        EventBus bus = provider.GetRequiredService<EventBus>();
        var coupon = new CouponApplied("REAL");
        var impostor = new ImpostorCoupon("FAKE");

        await bus.PublishAsync(coupon);
        ValueTask publish = bus.PublishAsync<IEvent>(impostor);

        Assert.True(publish.IsCompleted); // no back-off waits on the (never advanced) clock: a permanent refusal is not retried
        await publish;
        DeadLetter letter = Assert.Single(letters.Letters);
        Assert.Equal(("EventDriven.EventStore", 1, impostor.Id), (letter.HandlerName, letter.Attempts, letter.Event.Id));
        EventSerializationException reason = Assert.IsType<EventSerializationException>(letter.Exception);
        Assert.Contains("EventDriven.Tests.Store.StoreAndPublishTests+ImpostorCoupon names its EventType 'CouponApplied', which is already the name of EventDriven.Tests.Fixtures.CouponApplied", reason.Message, StringComparison.Ordinal);
        Assert.Equal((1L, 1L), (bus.Counters.Stored, bus.Counters.StoreRejected));
        Assert.Equal([coupon.Id], (await ReadAllAsync(store)).Select(static e => e.EventId));
    }

    [Theory]
    [InlineData(EventStorage.BeforeDispatch)]
    [InlineData(EventStorage.AfterDispatch)]
    public async Task A_handler_publishing_into_its_own_full_ring_still_stores_the_events_it_publishes(EventStorage storage)
    {
        // Capacity 2: the OrderPlaced being handled holds one slot, the first follow-up the other; every later follow-up finds the
        // ring full and is dispatched on the consumer thread instead of waiting for itself. It must still be stored.
        InMemoryEventStore store = StoreTestJson.CreateStore();
        await using ServiceProvider provider = Create(store, DispatchMode.RingBuffer, storage, capacity: 2);
        EventBus bus = provider.GetRequiredService<EventBus>();
        using IDisposable publisher = bus.Subscribe(new PricesOnOrder(bus, count: 8));

        var order = new OrderPlaced(Guid.NewGuid());
        await bus.PublishAsync(order);
        await bus.StopAsync();

        List<StoredEvent> all = await ReadAllAsync(store);
        Assert.Equal(10, all.Count); // the order, the PriceChanged of RepriceOnOrderHandler, the eight of PricesOnOrder
        Assert.Equal(all.Count, all.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(9, all.Count(e => e.EventType == "PriceChanged"));
        Assert.All(all.Where(e => e.EventType != "OrderPlaced"), e => Assert.Equal(order.Id, e.CausationId));
        Assert.Equal(10, bus.Counters.Stored);
    }

    private static ServiceProvider Create(IEventStore store, DispatchMode mode, EventStorage storage, IDeadLetterSink? letters = null, int capacity = 1024)
    {
        var services = new ServiceCollection().AddTestState();
        services.AddSingleton(store);
        if (letters is not null)
        {
            services.AddSingleton<IDeadLetterSink>(letters);
        }

        services.AddEventDriven(o =>
        {
            o.DispatchMode = mode;
            o.RingBufferCapacity = capacity;
            o.EventStorage = storage;
        });
        return services.BuildServiceProvider();
    }

    private static async Task<List<StoredEvent>> ReadAllAsync(IEventStore store)
    {
        List<StoredEvent> all = [];
        await foreach (StoredEvent stored in store.ReadAllAsync())
        {
            all.Add(stored);
        }

        return all;
    }

    private sealed class StoreObserver(InMemoryEventStore store) : IEventHandler<CouponApplied>
    {
        public List<bool> SawStored { get; } = [];

        public ValueTask HandleAsync(CouponApplied @event, CancellationToken cancellationToken = default)
        {
            SawStored.Add(store.Count == 1);
            return default;
        }
    }

    private sealed class CouponRecorder(List<string> handled) : IEventHandler<CouponApplied>
    {
        public ValueTask HandleAsync(CouponApplied @event, CancellationToken cancellationToken = default)
        {
            lock (handled)
            {
                handled.Add(@event.Code);
            }

            return default;
        }
    }

    private sealed class PricesOnOrder(IEventBus bus, int count) : IEventHandler<OrderPlaced>
    {
        public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < count; i++)
            {
                await bus.PublishAsync(new PriceChanged(DeterministicId.From(@event.Id, "price " + i), i), cancellationToken);
            }
        }
    }

    /// <summary>Throws on its first appends, like a database that is locked or out of disk for a moment.</summary>
    private sealed class FlakyStore(InMemoryEventStore inner, int failures) : IEventStore
    {
        private int _calls;
        private int _failed;

        public InMemoryEventStore Inner => inner;

        public int Failed => Volatile.Read(ref _failed);

        public IEventSerializer Serializer => inner.Serializer;

        public ValueTask<AppendResult> AppendAsync(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _calls) <= failures)
            {
                Interlocked.Increment(ref _failed);
                return ValueTask.FromException<AppendResult>(new IOException("disk is full (simulated)"));
            }

            return inner.AppendAsync(streamId, events, expectedVersion, cancellationToken);
        }

        public IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 0, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(streamId, fromVersion, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadByTypeAsync(string eventType, long afterPosition = 0, CancellationToken cancellationToken = default) => inner.ReadByTypeAsync(eventType, afterPosition, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default) => inner.ReadAllAsync(afterPosition, cancellationToken);

        public ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default) => inner.GetStreamVersionAsync(streamId, cancellationToken);

        public ValueTask<long> GetLastPositionAsync(CancellationToken cancellationToken = default) => inner.GetLastPositionAsync(cancellationToken);
    }

    /// <summary>
    /// Another type that says its name is <c>CouponApplied</c>. Private and nested, so the generator cannot name it and no catalog lists it
    /// (it would refuse the clash at compile time, EDG009): the run-time refusal is what is tested.
    /// </summary>
    private sealed record ImpostorCoupon(string Code) : IEvent
    {
        public Guid Id { get; init; } = Guid.NewGuid();
        public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
        public string EventType => "CouponApplied";
        public string Source => "Tests";
    }
}
