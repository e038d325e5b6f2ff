using ECommerce.Distributed;

namespace ECommerce.Tests;

/// <summary>
/// The shop as real processes over a real RabbitMQ node: every service its own process and database, two Payments instances
/// competing for their queue, three of the processes SIGKILLed mid-run and restarted; every invariant must still hold across the
/// services' databases. Needs Debian's rabbitmq-server (./test.sh installs it); the job starts and stops its own node.
/// </summary>
public sealed class DistributedRunTests
{
    [Fact]
    public async Task ASmallDistributedRun_WithThreeKills_EndsWithEveryInvariantHolding()
    {
        string directory = Path.Combine(Path.GetTempPath(), "eventdriven-shop-test-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new DistributedJobOptions
        {
            Orders = 1_500,
            Customers = 200,
            PaymentsInstances = 2,
            Chaos = true,
            ChaosKills = 3,
            Seed = 7,
            Directory = directory,
            Progress = false,
            RabbitMq = Environment.GetEnvironmentVariable("EVENTDRIVEN_RABBITMQ") is { Length: > 0 } given ? new Uri(given) : null,
        };
        using var output = new StringWriter();
        try
        {
            DistributedResult result = await DistributedJob.RunAsync(options, output);

            string text = output.ToString();
            Assert.True(result.Passed, text);
            Assert.Equal("invariants: OK", ShopRunner.LastLine(text));
            Assert.Equal(options.Orders, result.Monitor.Finished);
            Assert.Equal(3, result.Kills.Count);
            Assert.Equal(1 + 6 + 3, result.Processes.Sum(static p => p.Starts)); // the shop front, six service processes, three restarts
            Assert.All(result.Processes.Where(static p => p.Label.StartsWith("payments", StringComparison.Ordinal)), static p => Assert.True(p.Stats.Received > 0, p.Label + " got no delivery: the instances do not compete"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>The parts of the distributed run that need no broker: who consumes what, the stats lines, the two extra invariants.</summary>
public sealed class DistributedPartsTests
{
    [Fact]
    public void EachService_ConsumesWhatItsHandlersTake_LessWhatItOwns()
    {
        Assert.Equal(["InventoryReserved", "InventoryUnavailable", "OrderSubmitted", "PaymentDeclined", "PaymentProcessed"], DistributedTopology.Consumes(ShopService.Orders));
        Assert.Equal(["InventoryReleaseRequested", "OrderFulfilled", "OrderValidated"], DistributedTopology.Consumes(ShopService.Inventory));
        Assert.Equal(["InventoryReserved", "PaymentRefundRequested"], DistributedTopology.Consumes(ShopService.Payments));
        Assert.Equal(["OrderCancelled", "OrderFulfilled", "OrderRejected"], DistributedTopology.Consumes(ShopService.Notifications));
        Assert.Equal(ShopService.AllEventTypes, DistributedTopology.Consumes(ShopService.Audit));
        Assert.Equal(14, ShopService.AllEventTypes.Distinct().Count()); // each of the 14 event types has one owner
    }

    [Fact]
    public void TheFlowDiagram_HasAnArrowPerProducerAndConsumer()
    {
        string mermaid = DistributedTopology.ToMermaid();

        Assert.StartsWith("flowchart LR", mermaid, StringComparison.Ordinal);
        Assert.Contains("storefront -->|OrderSubmitted| orders", mermaid, StringComparison.Ordinal);
        Assert.Contains("orders -->|OrderValidated, OrderFulfilled, InventoryReleaseRequested| inventory", mermaid, StringComparison.Ordinal);
        Assert.Contains("payments -.->|all its events| audit", mermaid, StringComparison.Ordinal);
        Assert.Contains("<b>audit</b><br/>stores every event", mermaid, StringComparison.Ordinal);
    }

    [Fact]
    public void StatsLines_RoundTrip_AndOtherLinesAreNotStats()
    {
        var stats = new ServiceStats(10, 2, 7, 1, 1, 3, 9);

        Assert.True(ServiceStats.TryParse(stats.ToLine(), out ServiceStats read));
        Assert.Equal(stats, read);
        Assert.Equal(2, read.InFlight);
        Assert.False(ServiceStats.TryParse("READY", out _));
        Assert.False(ServiceStats.TryParse("STATS 1 2 x 4 5 6 7", out _));
    }

    [Fact]
    public void TheTrailInvariant_FailsForAnEventMissingFromTheAudit_OrOneNobodyPublished()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), stranger = Guid.NewGuid();
        var published = new Dictionary<string, HashSet<Guid>> { ["OrderSubmitted"] = [a], ["OrderValidated"] = [b] };

        Assert.True(DistributedInvariants.AuditTrailIsComplete(published, [a, b]).Holds);
        Assert.Contains("1 missing from it", DistributedInvariants.AuditTrailIsComplete(published, [a]).Detail, StringComparison.Ordinal);
        Assert.False(DistributedInvariants.AuditTrailIsComplete(published, [a, b, stranger]).Holds);
    }

    [Fact]
    public void TheDrainedInvariant_FailsForAQueuedMessage_ADeadLetter_AnOutboxRow_OrAnUnansweredDelivery()
    {
        var empty = new Dictionary<string, uint> { ["ecommerce-orders"] = 0 };
        var one = new Dictionary<string, uint> { ["ecommerce-orders"] = 1 };

        Assert.True(DistributedInvariants.NothingLeftBehind(empty, empty, 0, 0).Holds);
        Assert.False(DistributedInvariants.NothingLeftBehind(one, empty, 0, 0).Holds);
        Assert.Contains("ecommerce-orders 1", DistributedInvariants.NothingLeftBehind(empty, one, 0, 0).Detail, StringComparison.Ordinal);
        Assert.False(DistributedInvariants.NothingLeftBehind(empty, empty, 1, 0).Holds);
        Assert.False(DistributedInvariants.NothingLeftBehind(empty, empty, 0, 1).Holds);
    }
}
