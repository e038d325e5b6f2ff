using ECommerce.Cli;
using ECommerce.Invariants;
using ECommerce.Notifications;
using ECommerce.Orders;
using ECommerce.Simulation;
using EventDriven;
using EventDriven.Store;

namespace ECommerce.Tests;

/// <summary>The invariants hold on real runs (ring and inline, SQLite and memory), and each one reports a bug planted through the test hook.</summary>
public sealed class InvariantTests
{
    [Fact]
    public async Task MixedRun_InMemory_EndsWithInvariantsOk()
    {
        ShopJobOptions options = ShopRunner.Small(new OrderMix(0.1, 0.1, 0.1, 0.05), orders: 400) with { TransientFailureRate = 0.01 };

        (ShopJobResult result, string output) = await ShopRunner.RunAsync(options);

        Assert.All(result.Invariants, i => Assert.True(i.Holds, $"{i.Name}: {i.Detail}"));
        Assert.Equal(
            [ShopInvariants.FinalState, ShopInvariants.Stock, ShopInvariants.Payments, ShopInvariants.Store, ShopInvariants.Replay],
            result.Invariants.Select(static i => i.Name));
        Assert.Equal("invariants: OK", ShopRunner.LastLine(output));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task MixedRun_OnSqlite_StoresEveryEventOnce_AndWritesTheFlowDiagram()
    {
        string folder = Path.Combine(Path.GetTempPath(), "ecommerce-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            ShopJobOptions options = ShopRunner.Small(OrderMix.Realistic, orders: 300) with { DatabasePath = Path.Combine(folder, "shop.db") };

            (ShopJobResult result, string output) = await ShopRunner.RunAsync(options);

            Assert.Equal("invariants: OK", ShopRunner.LastLine(output));
            Assert.Contains("audit trail of order #", output, StringComparison.Ordinal);
            Assert.NotNull(result.MermaidPath);
            string mermaid = await File.ReadAllTextAsync(result.MermaidPath);
            Assert.StartsWith("flowchart LR", mermaid, StringComparison.Ordinal);
            Assert.Contains("OrderSaga", mermaid, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task KeptDatabase_ChecksOnlyTheNewRunsEvents()
    {
        string folder = Path.Combine(Path.GetTempPath(), "ecommerce-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            ShopJobOptions options = ShopRunner.Small(OrderMix.Realistic, orders: 150) with { DatabasePath = Path.Combine(folder, "shop.db") };
            (ShopJobResult first, _) = await ShopRunner.RunAsync(options);

            (ShopJobResult second, string output) = await ShopRunner.RunAsync(options with { Keep = true });

            Assert.True(first.Succeeded, first.Verdict);
            Assert.Equal("invariants: OK", ShopRunner.LastLine(output));
            Assert.True(second.Run.StartPosition > 0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task LostStock_IsReportedAsFailedStock()
    {
        ShopJobOptions options = ShopRunner.Small(OrderMix.Realistic) with
        {
            BeforeInvariantChecks = run =>
            {
                run.Stock.LoseUnits(run.Catalog.Products.First().Sku, 1);
                return Task.CompletedTask;
            },
        };

        (ShopJobResult result, string output) = await ShopRunner.RunAsync(options);

        Assert.Equal("invariants: FAILED (stock)", ShopRunner.LastLine(output));
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task PaymentCapturedForACancelledOrder_IsReportedAsFailedPayments()
    {
        ShopJobOptions options = ShopRunner.Small(new OrderMix(0, 0, 0.5, 0)) with
        {
            BeforeInvariantChecks = run =>
            {
                OrderView cancelled = run.Book.Orders.First(static o => o.FinalState == OrderMilestones.Cancelled);
                run.Gateway.ForgeCapture(cancelled.OrderId, 10m);
                return Task.CompletedTask;
            },
        };

        (ShopJobResult result, string output) = await ShopRunner.RunAsync(options);

        Assert.Equal("invariants: FAILED (payments)", ShopRunner.LastLine(output));
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task AFulfilledOrderRefunded_IsReportedAsFailedPayments()
    {
        ShopJobOptions options = ShopRunner.Small(new OrderMix(0, 0, 0, 0)) with
        {
            BeforeInvariantChecks = run =>
            {
                // A bug that refunds a fulfilled order: the customer has the goods and the money.
                OrderView fulfilled = run.Book.Orders.First();
                run.Gateway.Refund(run.Gateway.CapturesByOrder[fulfilled.OrderId].PaymentId, fulfilled.OrderId);
                return Task.CompletedTask;
            },
        };

        (ShopJobResult result, string output) = await ShopRunner.RunAsync(options);

        Assert.Equal("invariants: FAILED (payments)", ShopRunner.LastLine(output));
        Assert.Contains("1 fulfilled but refunded", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOrderWithTwoFinalStates_IsReportedAsFailedFinalState()
    {
        ShopJobOptions options = ShopRunner.Small(new OrderMix(0, 0, 0, 0)) with
        {
            BeforeInvariantChecks = run =>
            {
                // A bug that cancels a fulfilled order: the live book now shows two final states (and no longer matches the store).
                OrderView fulfilled = run.Book.Orders.First();
                run.Book.Apply(new OrderCancelled(Guid.NewGuid(), DateTimeOffset.UtcNow, fulfilled.OrderId, fulfilled.OrderNumber, 1, CancellationReason.PaymentDeclined));
                return Task.CompletedTask;
            },
        };

        (ShopJobResult result, _) = await ShopRunner.RunAsync(options);

        Assert.False(result.Succeeded);
        Assert.Contains(ShopInvariants.FinalState, result.Verdict, StringComparison.Ordinal);
        Assert.Contains(ShopInvariants.Replay, result.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEventStoredTwiceOrNeverPublished_IsReportedAsFailedStore()
    {
        ShopJobOptions options = ShopRunner.Small(new OrderMix(0, 0, 0, 0)) with
        {
            BeforeInvariantChecks = async run =>
            {
                OrderView order = run.Book.Orders.First();
                await run.Store.AppendAsync(OrderStream.Id(order.OrderId), [new NotificationSent(Guid.NewGuid(), DateTimeOffset.UtcNow, order.OrderId, order.OrderNumber, 1, NotificationKind.OrderConfirmed)], ExpectedVersion.Any);
            },
        };

        (ShopJobResult result, _) = await ShopRunner.RunAsync(options);

        Assert.Equal("invariants: FAILED (store)", result.Verdict);
    }

    [Fact]
    public async Task ALiveProjectionThatDriftedFromTheStore_IsReportedAsFailedReplay()
    {
        ShopJobOptions options = ShopRunner.Small(new OrderMix(0, 0, 0, 0)) with
        {
            BeforeInvariantChecks = run =>
            {
                OrderView order = run.Book.Orders.First();
                run.Book.Apply(new NotificationSent(Guid.NewGuid(), DateTimeOffset.UtcNow, order.OrderId, order.OrderNumber, 1, NotificationKind.OrderRejected));
                return Task.CompletedTask;
            },
        };

        (ShopJobResult result, _) = await ShopRunner.RunAsync(options);

        Assert.Equal("invariants: FAILED (replay)", result.Verdict);
    }
}
