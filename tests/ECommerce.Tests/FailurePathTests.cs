using ECommerce.Cli;
using ECommerce.Notifications;
using ECommerce.Orders;
using ECommerce.Simulation;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Tests;

/// <summary>Each path an order can take, run alone so every order of the run must take it.</summary>
public sealed class FailurePathTests
{
    [Fact]
    public async Task HappyOrders_AreAllFulfilledPaidAndConfirmed()
    {
        (ShopJobResult result, _) = await ShopRunner.RunAsync(ShopRunner.Small(new OrderMix(0, 0, 0, 0)));

        Assert.True(result.Succeeded, result.Verdict);
        Assert.All(result.Run.Book.Orders, o =>
        {
            Assert.Equal(OrderMilestones.Fulfilled, o.FinalState);
            Assert.Equal(NotificationKind.OrderConfirmed, o.Notification);
        });
        Assert.Equal(300, result.Run.Gateway.CapturesByOrder.Count);
    }

    [Fact]
    public async Task InvalidOrders_AreRejectedAsInvalid_AndNeverTouchStockOrMoney()
    {
        (ShopJobResult result, _) = await ShopRunner.RunAsync(ShopRunner.Small(new OrderMix(1, 0, 0, 0)));

        Assert.True(result.Succeeded, result.Verdict);
        Assert.All(result.Run.Book.Orders, o =>
        {
            Assert.Equal(OrderMilestones.Rejected, o.FinalState);
            Assert.Equal(RejectionReason.Invalid, o.Rejection);
            Assert.Equal(OrderMilestones.None, o.Milestones & (OrderMilestones.Validated | OrderMilestones.Reserved));
            Assert.Equal(NotificationKind.OrderRejected, o.Notification);
        });
        Assert.Equal(result.Run.Stock.Opening, result.Run.Stock.Available);
        Assert.Empty(result.Run.Gateway.CapturesByOrder);
    }

    [Fact]
    public async Task OutOfStockOrders_AreRejectedAsOutOfStock_AndReserveNothing()
    {
        (ShopJobResult result, _) = await ShopRunner.RunAsync(ShopRunner.Small(new OrderMix(0, 1, 0, 0)));

        Assert.True(result.Succeeded, result.Verdict);
        Assert.All(result.Run.Book.Orders, o =>
        {
            Assert.Equal(OrderMilestones.Rejected, o.FinalState);
            Assert.Equal(RejectionReason.OutOfStock, o.Rejection);
            Assert.True(o.Milestones.HasFlag(OrderMilestones.Unavailable));
            Assert.False(o.Milestones.HasFlag(OrderMilestones.Reserved));
        });
        Assert.Equal(result.Run.Stock.Opening, result.Run.Stock.Available);
        Assert.Empty(result.Run.Gateway.CapturesByOrder);
    }

    [Fact]
    public async Task DeclinedPayments_AreCompensated_StockReleasedOrderCancelledCustomerNotified()
    {
        (ShopJobResult result, _) = await ShopRunner.RunAsync(ShopRunner.Small(new OrderMix(0, 0, 1, 0), orders: 200));

        Assert.True(result.Succeeded, result.Verdict);
        Assert.All(result.Run.Book.Orders, o =>
        {
            Assert.Equal(OrderMilestones.Cancelled, o.FinalState);
            Assert.Equal(CancellationReason.PaymentDeclined, o.Cancellation);
            Assert.True(o.Milestones.HasFlag(OrderMilestones.Reserved | OrderMilestones.Declined | OrderMilestones.Released));
            Assert.Equal(NotificationKind.OrderCancelled, o.Notification);
        });
        Assert.Equal(result.Run.Stock.Opening, result.Run.Stock.Available);
        Assert.Empty(result.Run.Gateway.CapturesByOrder);

        // The compensation as the store recorded it, for one order: declined, then release asked and done, cancelled, notified.
        OrderView first = result.Run.Book.Orders.MinBy(static o => o.OrderNumber)!;
        List<string> trail = await TypesInStreamAsync(result.Run.Store, first.OrderId);
        Assert.Equal(["OrderSubmitted", "OrderValidated", "InventoryReserved", "PaymentDeclined"], trail.Take(4));
        Assert.True(trail.IndexOf("InventoryReleaseRequested") < trail.IndexOf("InventoryReleased"));
        Assert.True(trail.IndexOf("OrderCancelled") < trail.IndexOf("NotificationSent"));
        Assert.Equal(8, trail.Count);
    }

    [Fact]
    public async Task UnansweredPayments_TimeOut_AndAreCompensated()
    {
        (ShopJobResult result, _) = await ShopRunner.RunAsync(ShopRunner.Small(new OrderMix(0, 0, 0, 1), orders: 100));

        Assert.True(result.Succeeded, result.Verdict);
        Assert.All(result.Run.Book.Orders, o =>
        {
            Assert.Equal(OrderMilestones.Cancelled, o.FinalState);
            Assert.Equal(CancellationReason.PaymentTimedOut, o.Cancellation);
            Assert.False(o.Milestones.HasFlag(OrderMilestones.Declined));
            Assert.True(o.Milestones.HasFlag(OrderMilestones.Released));
        });
        Assert.Equal(result.Run.Stock.Opening, result.Run.Stock.Available);
        Assert.Empty(result.Run.Gateway.CapturesByOrder);
    }

    [Fact]
    public async Task TransientPaymentErrors_AreRetried_AndCostNoOrder()
    {
        ShopJobOptions options = ShopRunner.Small(new OrderMix(0, 0, 0, 0)) with { TransientFailureRate = 0.2 };

        (ShopJobResult result, _) = await ShopRunner.RunAsync(options);

        Assert.True(result.Succeeded, result.Verdict);
        Assert.True(result.Run.Metrics.Failures.Values.Sum() > 0, "some first attempts should have failed");
        Assert.Empty(result.Run.Metrics.DeadLettered);
        Assert.Equal(options.Orders, result.Run.Monitor.Fulfilled);
    }

    private static async Task<List<string>> TypesInStreamAsync(IEventStore store, Guid orderId)
    {
        List<string> types = [];
        await foreach (StoredEvent stored in store.ReadStreamAsync(OrderStream.Id(orderId)))
        {
            types.Add(stored.EventType);
        }

        return types;
    }
}
