namespace EventDriven.Testing.Tests;

public sealed class RecordingEventBusTests
{
    [Fact]
    public async Task AHandlerUnitTest_WithoutAMockingLibrary_AssertsWhatTheHandlerPublished()
    {
        // The seed's Moq test, in three plain lines.
        var bus = new RecordingEventBus();
        var submitted = new OrderSubmitted(Guid.NewGuid(), 100m);

        await new ValidateOrder(bus).HandleAsync(submitted);

        OrderValidated validated = bus.Single<OrderValidated>(e => e.OrderId == submitted.OrderId);
        Assert.Equal(DeterministicId.From(submitted.Id, nameof(OrderValidated)), validated.Id);
        Assert.Equal(100m, validated.Total);
    }

    [Fact]
    public async Task PublishBatch_ThroughTheInterface_RecordsEveryEventInOrder()
    {
        // IEventBus.PublishBatchAsync has a default that publishes one by one, so a test double records a batch like any publish.
        IEventBus bus = new RecordingEventBus();
        OrderValidated[] batch = [new(Guid.NewGuid(), 1m), new(Guid.NewGuid(), 2m), new(Guid.NewGuid(), 3m)];

        await bus.PublishBatchAsync<OrderValidated>(batch);

        Assert.Equal(batch.Select(e => e.Id), ((RecordingEventBus)bus).Published<OrderValidated>().Select(e => e.Id));
    }

    [Fact]
    public async Task Single_WhenNothingMatches_SaysWhatWasExpected_AndListsWhatWasPublished()
    {
        var bus = new RecordingEventBus();
        var submitted = new OrderSubmitted(Guid.NewGuid(), 100m);
        await bus.PublishAsync(submitted);

        EventAssertionException thrown = Assert.Throws<EventAssertionException>(() => bus.Single<OrderValidated>());

        Assert.Contains("Expected exactly one OrderValidated to be published, but none was.", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("Published (1):", thrown.Message, StringComparison.Ordinal);
        Assert.Contains($"OrderSubmitted {submitted.Id} from Orders", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Single_WhenSeveralMatch_FailsWithTheirCount()
    {
        var bus = new RecordingEventBus();
        await bus.PublishAsync(new OrderValidated(Guid.NewGuid(), 1m));
        await bus.PublishAsync(new OrderValidated(Guid.NewGuid(), 2m));

        EventAssertionException thrown = Assert.Throws<EventAssertionException>(() => bus.Single<OrderValidated>());

        Assert.Contains("but 2 were", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(2m, bus.Single<OrderValidated>(e => e.Total == 2m).Total);
    }

    [Fact]
    public async Task None_PassesWhenNothingMatched_AndFailsListingTheOffenders()
    {
        var bus = new RecordingEventBus();
        await new ValidateOrder(bus).HandleAsync(new OrderSubmitted(Guid.NewGuid(), 50_000m));
        bus.None<OrderValidated>();

        await new ValidateOrder(bus).HandleAsync(new OrderSubmitted(Guid.NewGuid(), 10m));
        EventAssertionException thrown = Assert.Throws<EventAssertionException>(() => bus.None<OrderValidated>());
        Assert.Contains("Expected no OrderValidated to be published, but 1 was.", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_AreRecordedInPublishOrder_StructEventsToo_AndClearForgetsThem()
    {
        var bus = new RecordingEventBus();
        var first = new OrderSubmitted(Guid.NewGuid(), 1m);
        var counted = new StockCounted(Guid.NewGuid(), 7);
        var last = new OrderValidated(first.OrderId, 1m);

        await bus.PublishAsync(first);
        await bus.PublishAsync(counted);
        await bus.PublishAsync(last);

        Assert.Equal(new IEvent[] { first, counted, last }, bus.Events);
        Assert.Equal(7, Assert.Single(bus.Published<StockCounted>()).Units);
        bus.Clear();
        Assert.Empty(bus.Events);
    }

    [Fact]
    public async Task SubscribedHandlers_ReceiveLaterEventsOfTheirType_InlineUntilUnsubscribed()
    {
        var bus = new RecordingEventBus();
        var validated = new ValidatedOrders();
        IDisposable subscription = bus.Subscribe(validated);
        _ = bus.Subscribe(new ValidateOrder(bus));
        var order = new OrderSubmitted(Guid.NewGuid(), 10m);

        await bus.PublishAsync(order); // ValidateOrder publishes OrderValidated, which reaches ValidatedOrders before this returns

        Assert.Equal([order.OrderId], validated.Orders);
        subscription.Dispose();
        subscription.Dispose();
        await bus.PublishAsync(new OrderSubmitted(Guid.NewGuid(), 20m));
        Assert.Single(validated.Orders);
        Assert.Equal(2, bus.Published<OrderValidated>().Count);
    }

    [Fact]
    public async Task FailPublishesWhere_MakesTheMatchingPublishThrow_AndRecordsNothingForIt()
    {
        var bus = new RecordingEventBus { FailPublishesWhere = e => e is OrderValidated ? new InvalidOperationException("the broker is down (simulated)") : null };

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => new ValidateOrder(bus).HandleAsync(new OrderSubmitted(Guid.NewGuid(), 10m)).AsTask());

        Assert.Equal("the broker is down (simulated)", thrown.Message);
        Assert.Empty(bus.Events);
    }

    [Fact]
    public async Task ConcurrentPublishes_AreAllRecorded()
    {
        var bus = new RecordingEventBus();

        await Parallel.ForAsync(0, 1_000, async (i, ct) => await bus.PublishAsync(new StockCounted(Guid.NewGuid(), i), ct));

        Assert.Equal(Enumerable.Range(0, 1_000), bus.Published<StockCounted>().Select(static e => e.Units).Order());
    }

    [Fact]
    public async Task Publish_RejectsANullEventAndACancelledToken()
    {
        var bus = new RecordingEventBus();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(() => bus.PublishAsync<OrderSubmitted>(null!).AsTask());
        await Assert.ThrowsAsync<OperationCanceledException>(() => bus.PublishAsync(new OrderSubmitted(Guid.NewGuid(), 1m), cancelled.Token).AsTask());
        Assert.Empty(bus.Events);
    }
}
