using ECommerce.Cli;
using ECommerce.Inventory;
using ECommerce.Orders;
using ECommerce.Payments;
using ECommerce.Reporting;
using ECommerce.Simulation;

namespace ECommerce.Tests;

/// <summary>The pieces the invariants rest on: idempotent stock and payments, order-independent projection hashes, percentiles, option checks.</summary>
public sealed class BuildingBlockTests
{
    [Fact]
    public void Stock_ReservedReleasedOrCommittedTwice_ChangesNothingTheSecondTime()
    {
        var stock = new StockLevels(new ShopCatalog([new Product("A", 1m, 10)], ["DE"]));
        Guid order = Guid.NewGuid();

        Assert.True(stock.TryReserve(order, "A", 4, out _));
        Assert.True(stock.TryReserve(order, "A", 4, out _));
        Assert.Equal(6, stock.Available["A"]);
        Assert.NotNull(stock.Release(order));
        Assert.NotNull(stock.Release(order));
        Assert.Equal(10, stock.Available["A"]);
        Assert.False(stock.TryReserve(Guid.NewGuid(), "A", 11, out int available));
        Assert.Equal(10, available);
    }

    [Fact]
    public void Gateway_ChargingOnePaymentTwice_CapturesOnce_AndATransientFailureChargesNothing()
    {
        var gateway = new PaymentGateway(transientFailureRate: 1);
        Guid payment = Guid.NewGuid();
        Guid order = Guid.NewGuid();

        Assert.Throws<TransientGatewayException>(() => gateway.Charge(payment, order, CardToken.Good[0], 5m));
        Assert.Empty(gateway.CapturesByOrder);
        Assert.Equal(PaymentOutcome.Captured, gateway.Charge(payment, order, CardToken.Good[0], 5m));
        Assert.Equal(PaymentOutcome.Captured, gateway.Charge(payment, order, CardToken.Good[0], 5m));
        Assert.Single(gateway.CapturesByOrder);
        Assert.Equal(PaymentOutcome.Declined, new PaymentGateway(0).Charge(Guid.NewGuid(), Guid.NewGuid(), CardToken.Declined, 5m));
        Assert.Equal(PaymentOutcome.NoAnswer, new PaymentGateway(0).Charge(Guid.NewGuid(), Guid.NewGuid(), CardToken.Unresponsive, 5m));
    }

    [Fact]
    public void OrderBookHash_DoesNotDependOnTheOrderEventsArrive_NorOnRepeats()
    {
        Guid order = Guid.NewGuid();
        var submitted = new OrderSubmitted(Guid.NewGuid(), DateTimeOffset.UnixEpoch, order, 1, 7, "A", 2, 3m, CardToken.Good[0], "DE");
        var paid = new PaymentProcessed(Guid.NewGuid(), DateTimeOffset.UnixEpoch, order, 1, 7, Guid.NewGuid(), 6m);
        var fulfilled = new OrderFulfilled(Guid.NewGuid(), DateTimeOffset.UnixEpoch, order, 1, 7, 6m);
        var inOrder = new OrderBook();
        inOrder.Apply(submitted);
        inOrder.Apply(paid);
        inOrder.Apply(fulfilled);
        var shuffledWithRepeats = new OrderBook();
        shuffledWithRepeats.Apply(fulfilled);
        shuffledWithRepeats.Apply(submitted);
        shuffledWithRepeats.Apply(paid);
        shuffledWithRepeats.Apply(fulfilled);

        Assert.Equal(inOrder.ComputeHash(), shuffledWithRepeats.ComputeHash());
        var other = new OrderBook();
        other.Apply(submitted);
        Assert.NotEqual(inOrder.ComputeHash(), other.ComputeHash());
    }

    [Fact]
    public void LatencyHistogram_Percentiles_AreWithinOneBucketOfTheTruth()
    {
        var histogram = new LatencyHistogram();
        for (int i = 1; i <= 10_000; i++)
        {
            histogram.Record(i);
        }

        double p50 = histogram.Percentile(50).TotalMicroseconds;
        double p99 = histogram.Percentile(99).TotalMicroseconds;
        Assert.InRange(p50, 5_000, 5_000 * 1.07);
        Assert.InRange(p99, 9_900, 9_900 * 1.07);
        Assert.Equal(TimeSpan.Zero, new LatencyHistogram().Percentile(99));
    }

    [Theory]
    [InlineData(0.5, 0.5, 0.1, 0, "add up to 1.1")]
    [InlineData(-0.1, 0, 0, 0, "--invalid-rate is -0.1")]
    [InlineData(0, 0, 2, 0, "--decline-rate is 2")]
    public void BadRates_AreRefused_NamingTheProblem(double invalid, double outOfStock, double declined, double timeout, string expected)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new OrderMix(invalid, outOfStock, declined, timeout).Validate());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptions_AreRefused_NamingTheOption()
    {
        Assert.Contains("--orders", Assert.Throws<ArgumentException>(() => new ShopJobOptions { Orders = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("--customers", Assert.Throws<ArgumentException>(() => new ShopJobOptions { Customers = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("--db", Assert.Throws<ArgumentException>(() => new ShopJobOptions { DatabasePath = "" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("single consumer", Assert.Throws<ArgumentException>(() => new ShopJobOptions { DispatchMode = EventDriven.DispatchMode.Inline }.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mix_PicksEachKindInItsShare()
    {
        var mix = new OrderMix(0.1, 0.2, 0.3, 0.1);
        Assert.Equal(OrderKind.Invalid, mix.Pick(0.05));
        Assert.Equal(OrderKind.OutOfStock, mix.Pick(0.25));
        Assert.Equal(OrderKind.Declined, mix.Pick(0.55));
        Assert.Equal(OrderKind.PaymentTimeout, mix.Pick(0.65));
        Assert.Equal(OrderKind.Happy, mix.Pick(0.75));
    }
}
