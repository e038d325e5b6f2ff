using System.Text.RegularExpressions;
using EventDriven.Generators.Tests.Infrastructure;
using EventDriven.Generators.Tests.Snapshots;

namespace EventDriven.Generators.Tests;

/// <summary>
/// <c>[EventHandler(Inbox = true)]</c>: such a handler is called through <c>InboxDispatch.HandleOnceAsync</c> with an inbox resolved
/// once per table, while the other handlers, and every dispatcher without an inbox handler, stay exactly as they were.
/// </summary>
public sealed partial class DispatchTableSnapshotTests
{
    private const string InboxCall = "global::EventDriven.Reliability.InboxDispatch.HandleOnceAsync";

    [Fact]
    public void Handler_WithInbox_IsCalledThroughTheInboxWhileTheOthersStayDirect()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler(Inbox = true)]
                public sealed class ChargeCard : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler(Order = 1)]
                public sealed class SendConfirmation : IEventHandler<OrderPlaced>, IEventHandler<OrderShipped>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;

                    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        string placed = Dispatcher(output, "OrderPlacedDispatcher");
        Assert.Contains("case 0: return " + InboxCall + "<global::Shop.ChargeCard, global::Shop.OrderPlaced>(_inbox, \"Shop.ChargeCard\", _chargeCard, @event, cancellationToken);", placed);
        Assert.Contains("case 1: return _sendConfirmation.HandleAsync(@event, cancellationToken);", placed);
        Assert.Contains("public OrderPlacedDispatcher(global::Shop.ChargeCard handler0, global::Shop.SendConfirmation handler1, global::EventDriven.Reliability.IInbox inbox)", placed);

        string shipped = Dispatcher(output, "OrderShippedDispatcher");
        Assert.DoesNotContain("IInbox", shipped);
        Assert.DoesNotContain(InboxCall, shipped);

        Assert.Single(Regex.Matches(output.Table!, "InboxDispatch\\.Resolve\\(services, \"Shop\\.ChargeCard\"\\)"));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_WithInboxAndTwoEvents_SharesOneInboxAndOneConsumerNameAcrossDispatchers()
    {
        // The explicit implementation is reached through HandleOnceAsync's IEventHandler<TEvent> constraint, not the public decoy.
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler(Inbox = true)]
                public sealed class Ledger : IEventHandler<OrderPlaced>, IEventHandler<StockReserved>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken) => default;

                    ValueTask IEventHandler<OrderPlaced>.HandleAsync(OrderPlaced @event, CancellationToken cancellationToken) => default;

                    public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Contains(InboxCall + "<global::Shop.Ledger, global::Shop.OrderPlaced>(_inbox, \"Shop.Ledger\", _ledger, @event, cancellationToken)", Dispatcher(output, "OrderPlacedDispatcher"));
        Assert.Contains(InboxCall + "<global::Shop.Ledger, global::Shop.StockReserved>(_inbox, \"Shop.Ledger\", _ledger, @event, cancellationToken)", Dispatcher(output, "StockReservedDispatcher"));
        Assert.Single(Regex.Matches(output.Table!, "InboxDispatch\\.Resolve\\("));
        Assert.Equal(2, Regex.Matches(output.Table!, "\n\\s+inbox\\)\\);").Count);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_NamedInbox_WithInbox_GetsAFieldDistinctFromTheDispatchersInbox()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler(Inbox = true)]
                public sealed class Inbox : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        string placed = Dispatcher(output, "OrderPlacedDispatcher");
        Assert.Contains("private readonly global::Shop.Inbox _inbox2;", placed);
        Assert.Contains("private readonly global::EventDriven.Reliability.IInbox _inbox;", placed);
        Assert.Contains("(_inbox, \"Shop.Inbox\", _inbox2, @event, cancellationToken)", placed);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    /// <summary>The text of one generated dispatcher class.</summary>
    private static string Dispatcher(GeneratorOutput output, string dispatcher)
    {
        string table = output.Table ?? throw new InvalidOperationException("The generator wrote no dispatch table.");
        int start = table.IndexOf("private sealed class " + dispatcher + " ", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No {dispatcher} in the table.");
        int end = table.IndexOf("private sealed class ", start + 1, StringComparison.Ordinal);
        return end < 0 ? table[start..] : table[start..end];
    }
}
