using ECommerce.Cli;
using ECommerce.Inventory;
using ECommerce.Orders;
using ECommerce.Payments;
using ECommerce.Simulation;
using EventDriven;
using EventDriven.Sagas;
using EventDriven.Sqlite;
using EventDriven.Store;
using EventDriven.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ECommerce.Tests;

/// <summary>
/// The payment provider answers after the order saga's timeout cancelled the order: the capture is refunded, once, and no money is
/// kept. Every race here is made to happen on purpose on a fake clock (the provider moves time past the timeout before it answers),
/// never by sleeping.
/// </summary>
public sealed class LatePaymentTests
{
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CapturesThatAnswerAfterTheTimeout_AreRefundedOnce_TheOrderStaysCancelled_AndTheInvariantsHold()
    {
        var clock = new FakeTimeProvider();
        int charges = 0;
        ShopJobOptions options = ShopRunner.Small(new OrderMix(0, 0, 0, 0), orders: 30, clock) with
        {
            Customers = 1, // one order at a time, so "every third charge" is "every third order"
            // Every third issuer answers only after the saga gave up: the clock passes the timeout while the charge is in progress.
            BeforeIssuerAnswers = _ =>
            {
                if (++charges % 3 == 0)
                {
                    clock.Advance(PaymentTimeout);
                }
            },
        };

        (ShopJobResult result, string output) = await ShopRunner.RunAsync(options);

        Assert.Equal("invariants: OK", ShopRunner.LastLine(output));
        OrderView[] late = [.. result.Run.Book.Orders.Where(static o => o.OrderNumber % 3 == 0)];
        Assert.Equal(10, late.Length);
        Assert.All(late, o =>
        {
            Assert.Equal(OrderMilestones.Cancelled, o.FinalState);
            Assert.Equal(CancellationReason.PaymentTimedOut, o.Cancellation);
            Assert.True(o.Milestones.HasFlag(OrderMilestones.Paid | OrderMilestones.Refunded | OrderMilestones.Released));
            Assert.Equal(o.Captured, o.Refunded);
        });
        Assert.All(result.Run.Book.Orders.Where(static o => o.OrderNumber % 3 != 0), o => Assert.Equal(OrderMilestones.Fulfilled, o.FinalState));
        Assert.Equal(30, result.Run.Gateway.CapturesByOrder.Count);
        Assert.Equal(late.Select(static o => o.OrderId).Order(), result.Run.Gateway.RefundsByOrder.Keys.Order());
        Assert.Contains("refunded          10   late captures", output, StringComparison.Ordinal);

        List<string> trail = [];
        await foreach (StoredEvent stored in result.Run.Store.ReadStreamAsync(OrderStream.Id(late[0].OrderId)))
        {
            trail.Add(stored.EventType);
        }

        Assert.Equal(1, trail.Count(static t => t == "PaymentRefundRequested"));
        Assert.Equal(1, trail.Count(static t => t == "PaymentRefunded"));
        Assert.True(trail.IndexOf("OrderCancelled") < trail.IndexOf("PaymentRefundRequested"));
    }

    [Fact]
    public async Task ALateCapture_Redelivered_IsRefundedOnce()
    {
        var clock = new ManualClock();
        var bus = new RecordingEventBus();
        await using SagaRuntime<OrderSagaState> saga = CreateSaga(new InMemorySagaStore(), bus, clock);
        Order order = Order.New(7);
        await order.ReserveThenTimeOutAsync(saga, clock);
        PaymentProcessed capture = order.Captured();

        await saga.HandleAsync(capture);
        await saga.HandleAsync(capture);

        PaymentRefundRequested refund = Assert.Single(bus.Published<PaymentRefundRequested>());
        Assert.Equal((order.Id, capture.PaymentId, order.Amount), (refund.OrderId, refund.PaymentId, refund.Amount));
        Assert.Equal(1, saga.Counts.LateEventsHandled);
        Assert.Equal(1, saga.Counts.DuplicateEventsIgnored);
        Assert.Single(bus.Published<OrderCancelled>());
        Assert.Empty(bus.Published<OrderFulfilled>());
    }

    [Fact]
    public async Task ALateDecline_HasNothingToUndo_AndIsNotAWarning()
    {
        var clock = new ManualClock();
        var bus = new RecordingEventBus();
        await using SagaRuntime<OrderSagaState> saga = CreateSaga(new InMemorySagaStore(), bus, clock);
        Order order = Order.New(8);
        await order.ReserveThenTimeOutAsync(saga, clock);

        await saga.HandleAsync(new PaymentDeclined(Guid.NewGuid(), clock.GetUtcNow(), order.Id, order.Number, 1, Guid.NewGuid(), "insufficient funds"));

        Assert.Equal((1L, 0L), (saga.Counts.LateEventsHandled, saga.Counts.LateEventsIgnored));
        Assert.Empty(bus.Published<PaymentRefundRequested>());
    }

    [Fact]
    public async Task TheTimeoutAndTheCaptureDueTogether_EndEachOrderOnce_FulfilledOrCancelledAndRefunded()
    {
        var clock = new ManualClock();
        var bus = new RecordingEventBus();
        await using SagaRuntime<OrderSagaState> saga = CreateSaga(new InMemorySagaStore(), bus, clock);
        Order[] orders = [.. Enumerable.Range(1, 200).Select(Order.New)];
        foreach (Order order in orders)
        {
            await order.ReserveAsync(saga);
        }

        // Both due at once: the captures race the timeout pass for each order's lock. Whichever wins, each order ends exactly once.
        // The clock's timer never fires: the test runs the pass itself, so when both tasks are done, all work is done.
        clock.Now += PaymentTimeout;
        using var go = new ManualResetEventSlim();
        Task captures = Task.Run(async () =>
        {
            go.Wait();
            foreach (Order order in orders)
            {
                await saga.HandleAsync(order.Captured());
            }
        });
        Task<int> timeouts = Task.Run(async () =>
        {
            go.Wait();
            return await saga.FireDueTimeoutsAsync();
        });
        go.Set();
        await Task.WhenAll(captures, timeouts);

        int cancelledOrders = 0;
        foreach (Order order in orders)
        {
            SagaStatus status = (await saga.GetAsync(order.Id))!.Status;
            int fulfilled = bus.Published<OrderFulfilled>().Count(e => e.OrderId == order.Id);
            int cancelled = bus.Published<OrderCancelled>().Count(e => e.OrderId == order.Id);
            int refunds = bus.Published<PaymentRefundRequested>().Count(e => e.OrderId == order.Id);
            Assert.Equal(status == SagaStatus.Completed ? (1, 0, 0) : (0, 1, 1), (fulfilled, cancelled, refunds));
            cancelledOrders += status == SagaStatus.Compensated ? 1 : 0;
        }

        Assert.Equal(cancelledOrders, await timeouts);
        Assert.Equal(0, await saga.FireDueTimeoutsAsync());
    }

    [Fact]
    public async Task ARestartBetweenTheCancellationAndTheLateCapture_StillRefunds_FromTheSqliteSagaStore()
    {
        string folder = Path.Combine(Path.GetTempPath(), "ecommerce-late-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "sagas.db");
            var clock = new ManualClock();
            var bus = new RecordingEventBus();
            Order order = Order.New(11);
            await using (var store = new SqliteSagaStore(path))
            {
                await using SagaRuntime<OrderSagaState> before = CreateSaga(store, bus, clock);
                await order.ReserveThenTimeOutAsync(before, clock);
                await before.StopAsync();
            }

            Assert.Single(bus.Published<OrderCancelled>());
            await using var reopened = new SqliteSagaStore(path);
            await using SagaRuntime<OrderSagaState> after = CreateSaga(reopened, bus, clock);
            await after.StartAsync();
            PaymentProcessed capture = order.Captured();

            await after.HandleAsync(capture);
            await after.HandleAsync(capture);

            PaymentRefundRequested refund = Assert.Single(bus.Published<PaymentRefundRequested>());
            Assert.Equal(capture.PaymentId, refund.PaymentId);
            Assert.Equal(SagaStatus.Compensated, (await after.GetAsync(order.Id))!.Status);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task RefundPayment_IsIdempotentByPaymentId_AndRefusesARefundWithoutACapture()
    {
        var gateway = new PaymentGateway(0);
        var bus = new RecordingEventBus();
        var handler = new RefundPayment(bus, gateway);
        Guid orderId = Guid.NewGuid();
        Guid paymentId = Guid.NewGuid();
        Assert.Equal(PaymentOutcome.Captured, gateway.Charge(paymentId, orderId, CardToken.Good[0], 42m));
        var request = new PaymentRefundRequested(Guid.NewGuid(), DateTimeOffset.UnixEpoch, orderId, 1, 1, paymentId, 42m);

        await handler.HandleAsync(request);
        await handler.HandleAsync(request);

        Assert.Equal(new Refund(paymentId, 42m), Assert.Single(gateway.RefundsByOrder.Values));
        IReadOnlyList<PaymentRefunded> refunded = bus.Published<PaymentRefunded>();
        Assert.Equal(2, refunded.Count);
        Assert.Equal(refunded[0].Id, refunded[1].Id); // the same event twice: the inbox and the store deduplicate it

        var stranger = request with { Id = Guid.NewGuid(), OrderId = Guid.NewGuid() };
        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => handler.HandleAsync(stranger).AsTask());
        Assert.Contains("nothing to give back", refused.Message, StringComparison.Ordinal);
    }

    private static SagaRuntime<OrderSagaState> CreateSaga(ISagaStore store, IEventBus bus, TimeProvider clock)
    {
        var definition = new SagaDefinition<OrderSagaState>(nameof(OrderSaga));
        OrderSaga.Define(definition, PaymentTimeout);
        return new SagaRuntime<OrderSagaState>(definition, OrderSagaJson.Default.OrderSagaState, store, bus, timeProvider: clock);
    }

    /// <summary>One order's events as the services would publish them, with ids derived as theirs are.</summary>
    private sealed record Order(Guid Id, int Number, decimal Amount)
    {
        public static Order New(int number) => new(Guid.NewGuid(), number, 25m + number);

        private Guid ReservationId => DeterministicId.From(Id, "reserved");

        public async Task ReserveAsync(SagaRuntime<OrderSagaState> saga)
        {
            await saga.HandleAsync(new OrderValidated(DeterministicId.From(Id, "validated"), DateTimeOffset.UnixEpoch, Id, Number, 1, "SKU-0001", 1, Amount, CardToken.Good[0]));
            await saga.HandleAsync(new InventoryReserved(ReservationId, DateTimeOffset.UnixEpoch, Id, Number, 1, "SKU-0001", 1, Amount, CardToken.Good[0]));
        }

        public async Task ReserveThenTimeOutAsync(SagaRuntime<OrderSagaState> saga, ManualClock clock)
        {
            await ReserveAsync(saga);
            clock.Now += PaymentTimeout;
            Assert.Equal(1, await saga.FireDueTimeoutsAsync());
            Assert.Equal(SagaStatus.Compensated, (await saga.GetAsync(Id))!.Status);
        }

        public PaymentProcessed Captured()
            => new(DeterministicId.From(ReservationId, nameof(PaymentProcessed)), DateTimeOffset.UnixEpoch, Id, Number, 1, DeterministicId.From(ReservationId, "Payment"), Amount);
    }
}
