using EventDriven.Reliability;
using EventDriven.Store;
using EventDriven.Tests.Fixtures;
using EventDriven.Tests.Store;
using EventDriven.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Transport;

/// <summary>
/// The door for events from outside the process: typed only at run time, keeping the ids they carried, and finished only when this
/// process is done with them, so a transport acknowledges at the right moment.
/// </summary>
public sealed class EventReceiverTests
{
    private static readonly ReceivedEventContext FromTheWire = new(CorrelationId: Guid.NewGuid(), CausationId: Guid.NewGuid());

    [Fact]
    public async Task Receive_OnARing_CompletesOnlyAfterTheHandlerFinished_AndTheHandlerSeesTheIdsTheEventCarried()
    {
        await using ServiceProvider provider = TestBus.CreateRing();
        EventBus bus = provider.GetRequiredService<EventBus>();
        var handler = new GatedHandler();
        using IDisposable _ = bus.Subscribe(handler);
        IEvent received = new CouponApplied("WIRE"); // typed as IEvent, as a deserializer hands it over

        ValueTask receive = provider.GetRequiredService<IEventReceiver>().ReceiveAsync(received, FromTheWire);
        await handler.Entered.Task;
        Assert.False(receive.IsCompleted); // the handler is still running: a transport must not acknowledge yet

        handler.Gate.SetResult();
        await receive;
        EventContext seen = Assert.Single(handler.Seen);
        Assert.Equal((received.Id, FromTheWire.CorrelationId, FromTheWire.CausationId), (seen.EventId, seen.CorrelationId, seen.CausationId));
    }

    [Fact]
    public async Task Receive_OnARing_OfAnEventWhoseHandlerFails_CompletesOnceTheEventIsDeadLettered()
    {
        var letters = new InMemoryDeadLetterSink();
        var services = new ServiceCollection().AddTestState().AddSingleton<IDeadLetterSink>(letters);
        services.AddEventDriven(o => o.DispatchMode = DispatchMode.RingBuffer);
        await using ServiceProvider provider = services.BuildServiceProvider();
        EventBus bus = provider.GetRequiredService<EventBus>();
        var handler = new GatedHandler { Throws = true };
        handler.Gate.SetResult();
        using IDisposable _ = bus.Subscribe(handler);

        var coupon = new CouponApplied("POISON");
        await bus.ReceiveAsync(coupon, FromTheWire);

        Assert.Equal(coupon.Id, Assert.Single(letters.Letters).Event.Id); // safe in the dead-letter sink: acknowledging loses nothing
    }

    [Fact]
    public async Task Receive_Inline_OfAnEventWhoseHandlerFails_ThrowsTheDispatchFailure()
    {
        await using ServiceProvider provider = TestBus.Create();
        EventBus bus = provider.GetRequiredService<EventBus>();
        var handler = new GatedHandler { Throws = true };
        handler.Gate.SetResult();
        using IDisposable _ = bus.Subscribe(handler);

        var failure = await Assert.ThrowsAsync<EventDispatchException>(async () => await bus.ReceiveAsync(new CouponApplied("X"), FromTheWire));

        Assert.Equal(typeof(GatedHandler).FullName, Assert.Single(failure.Failures).HandlerName);
    }

    [Fact]
    public async Task Receive_OfAnEventTypedOnlyAsIEvent_RunsTheGeneratedHandlersOfItsRuntimeType()
    {
        await using ServiceProvider provider = TestBus.Create();
        EventBus bus = provider.GetRequiredService<EventBus>();
        IEvent order = new OrderPlaced(Guid.NewGuid());

        await bus.ReceiveAsync(order, FromTheWire);

        Assert.Equal(
            ["FirstOrderHandler", "OrderHandlerB", "OrderHandlerC"],
            provider.GetRequiredService<Recorder>().Calls.Order());
    }

    [Fact]
    public async Task Receive_OfATypeNoHandlerTakes_FollowsNoHandlerBehavior()
    {
        await using ServiceProvider ignoring = TestBus.Create();
        await ignoring.GetRequiredService<EventBus>().ReceiveAsync(new UnhandledReceived(), FromTheWire);

        await using ServiceProvider throwing = TestBus.Create(o => o.NoHandlerBehavior = NoHandlerBehavior.Throw);
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await throwing.GetRequiredService<EventBus>().ReceiveAsync(new UnhandledReceived(), FromTheWire));
        Assert.Contains(typeof(UnhandledReceived).FullName!, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DispatchMode.Inline)]
    [InlineData(DispatchMode.RingBuffer)]
    public async Task Receive_WithStoreAndPublish_StoresTheEventWithTheIdsItCarried(DispatchMode mode)
    {
        InMemoryEventStore store = StoreTestJson.CreateStore();
        var services = new ServiceCollection().AddTestState().AddSingleton<IEventStore>(store);
        services.AddEventDriven(o =>
        {
            o.DispatchMode = mode;
            o.EventStorage = EventStorage.BeforeDispatch;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        EventBus bus = provider.GetRequiredService<EventBus>();
        var handler = new GatedHandler();
        handler.Gate.SetResult();
        using IDisposable _ = bus.Subscribe(handler);

        var coupon = new CouponApplied("STORED");
        await bus.ReceiveAsync(coupon, FromTheWire);

        StoredEvent stored = await store.ReadAllAsync().SingleAsync();
        Assert.Equal((coupon.Id, FromTheWire.CausationId, FromTheWire.CorrelationId), (stored.EventId, stored.CausationId, stored.CorrelationId));
    }

    [Fact]
    public async Task Receive_OnARing_AbandonedByTheStopTimeout_FailsSoTheTransportDoesNotAcknowledge()
    {
        await using ServiceProvider provider = TestBus.CreateRing(o => o.StopTimeout = TimeSpan.Zero);
        EventBus bus = provider.GetRequiredService<EventBus>();
        var handler = new GatedHandler(); // never opened: the handler waits until the stop timeout cancels it
        using IDisposable _ = bus.Subscribe(handler);

        ValueTask receive = bus.ReceiveAsync(new CouponApplied("LATE"), FromTheWire);
        await handler.Entered.Task;
        await bus.StopAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await receive);
        Assert.Equal(1, bus.Counters.Abandoned);
    }

    /// <summary>Records the context it runs in, then waits for <see cref="Gate"/> (honouring cancellation), then maybe throws.</summary>
    private sealed class GatedHandler : IEventHandler<CouponApplied>
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<EventContext> Seen { get; } = [];

        public bool Throws { get; init; }

        public async ValueTask HandleAsync(CouponApplied @event, CancellationToken cancellationToken)
        {
            Seen.Add(EventContext.Current); // read before the first await: the context is the consumer thread's
            Entered.TrySetResult();
            await Gate.Task.WaitAsync(cancellationToken);
            if (Throws)
            {
                throw new InvalidOperationException("the handler failed");
            }
        }
    }

    private sealed record UnhandledReceived : IEvent
    {
        public Guid Id { get; init; } = Guid.NewGuid();
        public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
        public string EventType => "UnhandledReceived";
        public string Source => "Tests";
    }
}
