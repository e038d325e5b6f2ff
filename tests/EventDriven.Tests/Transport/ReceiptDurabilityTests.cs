using EventDriven.Serialization;
using EventDriven.Store;
using EventDriven.Tests.Fixtures;
using EventDriven.Tests.Store;
using EventDriven.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Transport;

/// <summary>
/// A received event is finished (its receipt completes, a transport acknowledges it) only once the events its handlers published are
/// stored as well, in whichever partition they went: acknowledging earlier would lose them, and what they carry to the outbox, to a
/// crash right after the acknowledgement.
/// </summary>
public sealed class ReceiptDurabilityTests
{
    private static readonly ReceivedEventContext FromTheWire = new(CorrelationId: Guid.NewGuid(), CausationId: Guid.NewGuid());

    [Theory]
    [InlineData(1)] // the follow-up lands behind the received event in the same ring
    [InlineData(2)] // the follow-up lands in the other partition's ring
    public async Task Receipt_WaitsUntilTheFollowUpItsHandlerPublishedIsStored(int partitions)
    {
        var store = new FollowUpGatedStore(StoreTestJson.CreateStore());
        await using ServiceProvider provider = Create(store, partitions);
        EventBus bus = provider.GetRequiredService<EventBus>();
        using IDisposable _ = bus.Subscribe(new PublishesPriceChange(bus));

        var coupon = new CouponApplied("FOLLOW-UP");
        Task receive = provider.GetRequiredService<IEventReceiver>().ReceiveAsync(coupon, FromTheWire).AsTask();

        await store.FollowUpArrived.Task; // the handler ran and its follow-up reached the store stage, which is held
        Assert.False(receive.IsCompleted);
        Assert.Equal(1, await store.GetLastPositionAsync()); // the received event itself is stored

        store.Release.SetResult();
        await receive;

        List<StoredEvent> stored = [];
        await foreach (StoredEvent e in store.ReadAllAsync())
        {
            stored.Add(e);
        }

        Assert.Equal(["CouponApplied", "PriceChanged"], stored.Select(static e => e.EventType));
        Assert.Equal(coupon.Id, stored[1].CausationId);
        await bus.StopAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Receipt_WaitsUntilTheFollowUpIsHandledHereToo(int partitions)
    {
        // A follow-up's local handler (a saga starting on it) must have run before the cause is acknowledged: after a restart nothing
        // dispatches a stored event again, so an acknowledged cause whose follow-up was stored but not handled would leave it unhandled.
        var store = new FollowUpGatedStore(StoreTestJson.CreateStore());
        store.Release.SetResult(); // appends go through; the follow-up's handler is what is held
        await using ServiceProvider provider = Create(store, partitions);
        EventBus bus = provider.GetRequiredService<EventBus>();
        using IDisposable publishes = bus.Subscribe(new PublishesPriceChange(bus));
        var followUpHandler = new HeldPriceHandler();
        using IDisposable holds = bus.Subscribe(followUpHandler);

        Task receive = provider.GetRequiredService<IEventReceiver>().ReceiveAsync(new CouponApplied("HANDLED"), FromTheWire).AsTask();
        await followUpHandler.Entered.Task;

        Assert.False(receive.IsCompleted);
        followUpHandler.Release.SetResult();
        await receive;
        await bus.StopAsync();
    }

    [Fact]
    public async Task Receipt_WhoseFollowUpIsNeverStored_FailsWhenTheBusStops_SoTheTransportRedelivers()
    {
        var store = new FollowUpGatedStore(StoreTestJson.CreateStore());
        await using ServiceProvider provider = Create(store, partitions: 2, stopTimeout: TimeSpan.Zero);
        EventBus bus = provider.GetRequiredService<EventBus>();
        using IDisposable _ = bus.Subscribe(new PublishesPriceChange(bus));

        Task receive = provider.GetRequiredService<IEventReceiver>().ReceiveAsync(new CouponApplied("LOST"), FromTheWire).AsTask();
        await store.FollowUpArrived.Task;

        await bus.StopAsync(); // the stop timeout (zero) cancels the held append: the follow-up is not stored

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive);
    }

    [Theory]
    [InlineData(DispatchMode.RingBuffer)]
    [InlineData(DispatchMode.Inline)]
    public async Task Receipt_WaitsUntilEveryReceiptBarrierFlushed_WhatTheHandlersWroteBehind(DispatchMode mode)
    {
        var barrier = new GatedBarrier();
        var services = new ServiceCollection().AddTestState();
        services.AddSingleton<IReceiptBarrier>(barrier);
        services.AddEventDriven(o =>
        {
            o.DispatchMode = mode;
            o.RingBufferCapacity = 64;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        EventBus bus = provider.GetRequiredService<EventBus>();
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable _ = bus.Subscribe(new SignalsHandled(handled));

        Task receive = bus.ReceiveAsync(new CouponApplied("BEHIND"), FromTheWire).AsTask();
        await handled.Task;
        await barrier.Entered.Task; // the receipt asked the barrier to flush after the handler ran

        Assert.False(receive.IsCompleted);
        barrier.Release.SetResult();
        await receive;
        await bus.StopAsync();
    }

    [Fact]
    public async Task Receipt_WhoseBarrierCannotFlush_Fails_SoTheTransportRedelivers()
    {
        var barrier = new GatedBarrier();
        barrier.Release.SetException(new IOException("disk full (simulated)"));
        var services = new ServiceCollection().AddTestState();
        services.AddSingleton<IReceiptBarrier>(barrier);
        services.AddEventDriven(o => o.DispatchMode = DispatchMode.RingBuffer);
        await using ServiceProvider provider = services.BuildServiceProvider();
        EventBus bus = provider.GetRequiredService<EventBus>();
        using IDisposable _ = bus.Subscribe(new SignalsHandled(new TaskCompletionSource()));

        var failure = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await bus.ReceiveAsync(new CouponApplied("LOST"), FromTheWire));

        Assert.IsType<IOException>(failure.InnerException);
    }

    private static ServiceProvider Create(IEventStore store, int partitions, TimeSpan? stopTimeout = null)
    {
        var services = new ServiceCollection().AddTestState();
        services.AddSingleton(store);
        services.AddEventDriven(o =>
        {
            o.DispatchMode = DispatchMode.RingBuffer;
            o.RingBufferCapacity = 64;
            o.Partitions = partitions;
            o.EventStorage = EventStorage.BeforeDispatch;
            o.StoreRetryPolicy = RetryPolicy.None;
            o.StopTimeout = stopTimeout ?? TimeSpan.FromSeconds(10);
            // Coupons in partition 0, price changes in partition 1 (with two partitions).
            o.PartitionBy<CouponApplied, int>(static _ => 0);
            o.PartitionBy<PriceChanged, int>(static _ => 1);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>The received event's handler: publishes a follow-up, as a service's handler does.</summary>
    private sealed class PublishesPriceChange(IEventBus bus) : IEventHandler<CouponApplied>
    {
        public ValueTask HandleAsync(CouponApplied @event, CancellationToken cancellationToken)
            => bus.PublishAsync(new PriceChanged(DeterministicId.From(@event.Id, "price"), 9.99m), cancellationToken);
    }

    private sealed class HeldPriceHandler : IEventHandler<PriceChanged>
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(PriceChanged @event, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
        }
    }

    private sealed class SignalsHandled(TaskCompletionSource handled) : IEventHandler<CouponApplied>
    {
        public ValueTask HandleAsync(CouponApplied @event, CancellationToken cancellationToken)
        {
            handled.TrySetResult();
            return default;
        }
    }

    /// <summary>A write-behind part whose flush completes only when released.</summary>
    private sealed class GatedBarrier : IReceiptBarrier
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task;
        }
    }

    /// <summary>Holds every append of a <c>PriceChanged</c> until <see cref="Release"/>; the rest goes straight through.</summary>
    private sealed class FollowUpGatedStore(InMemoryEventStore inner) : IEventStore
    {
        public TaskCompletionSource FollowUpArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IEventSerializer Serializer => inner.Serializer;

        public async ValueTask<AppendResult> AppendAsync(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default)
        {
            if (events.Any(static e => e.Event.EventType == "PriceChanged"))
            {
                FollowUpArrived.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }

            return await inner.AppendAsync(streamId, events, expectedVersion, cancellationToken);
        }

        public IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 0, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(streamId, fromVersion, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadByTypeAsync(string eventType, long afterPosition = 0, CancellationToken cancellationToken = default) => inner.ReadByTypeAsync(eventType, afterPosition, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default) => inner.ReadAllAsync(afterPosition, cancellationToken);

        public ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default) => inner.GetStreamVersionAsync(streamId, cancellationToken);

        public ValueTask<long> GetLastPositionAsync(CancellationToken cancellationToken = default) => inner.GetLastPositionAsync(cancellationToken);
    }
}
