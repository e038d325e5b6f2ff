using System.Globalization;
using ECommerce.Cli;
using ECommerce.Inventory;
using ECommerce.Orders;
using ECommerce.Payments;

namespace ECommerce.Invariants;

/// <summary>The five things that must be true after every run, whatever the failure rates, checked from the services' own state and the store.</summary>
public static class ShopInvariants
{
    /// <summary>Short names, in the order they are checked.</summary>
    public const string FinalState = "final-state", Stock = "stock", Payments = "payments", Store = "store", Replay = "replay";

    /// <summary>Checks every invariant of <paramref name="run"/>.</summary>
    public static IReadOnlyList<InvariantResult> Check(ShopRun run, StoreCensus census)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(census);
        return
        [
            EveryOrderEndsOnce(run.Monitor.Submitted, run.Monitor.RepeatedFinals, run.Book),
            StockMatchesFulfilled(run.Stock, run.Book),
            NoMoneyKeptForOrdersNotFulfilled(run.Gateway, run.Book),
            StoreHoldsEveryEventOnce(run.Metrics.Published, census),
            ReplayRebuildsTheBook(run.Book, census),
        ];
    }

    /// <summary>Every submitted order reached exactly one final state (fulfilled, rejected or cancelled), and no final event came twice.</summary>
    public static InvariantResult EveryOrderEndsOnce(long submitted, long repeatedFinals, OrderBook book)
    {
        ArgumentNullException.ThrowIfNull(book);
        int open = 0;
        int several = 0;
        var examples = new List<string>();
        foreach (OrderView view in book.Orders)
        {
            int finals = int.PopCount((int)view.FinalState);
            if (finals == 1)
            {
                continue;
            }

            if (finals == 0)
            {
                open++;
            }
            else
            {
                several++;
            }

            if (examples.Count < 3)
            {
                examples.Add(string.Create(CultureInfo.InvariantCulture, $"#{view.OrderNumber} {view.Milestones}"));
            }
        }

        bool holds = book.Count == submitted && open == 0 && several == 0 && repeatedFinals == 0;
        string detail = string.Create(CultureInfo.InvariantCulture, $"{submitted:N0} submitted, {book.Count:N0} in the order book, {open:N0} without a final state, {several:N0} with several, {repeatedFinals:N0} repeated final events")
            + (examples.Count > 0 ? "; e.g. " + string.Join(", ", examples) : string.Empty);
        return new InvariantResult(FinalState, "every submitted order reaches exactly one final state", holds, detail);
    }

    /// <summary>For every product, the stock left is the opening stock minus the units of fulfilled orders, and no reservation is left open.</summary>
    public static InvariantResult StockMatchesFulfilled(StockLevels stock, OrderBook book)
    {
        ArgumentNullException.ThrowIfNull(stock);
        ArgumentNullException.ThrowIfNull(book);
        var sold = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (OrderView view in book.Orders)
        {
            if (view.FinalState == OrderMilestones.Fulfilled && view.Sku is { } sku)
            {
                sold[sku] = sold.GetValueOrDefault(sku) + view.Quantity;
            }
        }

        var wrong = new List<string>();
        long opening = 0;
        long left = 0;
        foreach ((string sku, int openingUnits) in stock.Opening.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            int expected = openingUnits - sold.GetValueOrDefault(sku);
            int actual = stock.Available.GetValueOrDefault(sku);
            opening += openingUnits;
            left += actual;
            if (actual != expected)
            {
                wrong.Add(string.Create(CultureInfo.InvariantCulture, $"{sku}: {actual} left, expected {expected}"));
            }
        }

        int openReservations = stock.OpenReservations;
        bool holds = wrong.Count == 0 && openReservations == 0;
        string detail = string.Create(CultureInfo.InvariantCulture, $"{opening:N0} units at opening, {sold.Values.Sum():N0} sold to fulfilled orders, {left:N0} left, {openReservations:N0} reservations open")
            + (wrong.Count > 0 ? "; " + string.Join(", ", wrong.Take(3)) : string.Empty);
        return new InvariantResult(Stock, "stock after the run = opening stock − units fulfilled", holds, detail);
    }

    /// <summary>
    /// No money is kept for an order that is not fulfilled: for every cancelled or rejected order, captured − refunded = 0 (a capture
    /// that came after the order was cancelled is refunded); every fulfilled order is captured once and not refunded; no refund
    /// without its capture.
    /// </summary>
    public static InvariantResult NoMoneyKeptForOrdersNotFulfilled(PaymentGateway gateway, OrderBook book)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(book);
        int kept = 0;
        int fulfilledWithoutCapture = 0;
        int fulfilledButRefunded = 0;
        int refundWithoutCapture = 0;
        int cancelled = 0;
        var examples = new List<string>();
        foreach (OrderView view in book.Orders)
        {
            Capture? capture = gateway.CapturesByOrder.GetValueOrDefault(view.OrderId);
            Refund? refund = gateway.RefundsByOrder.GetValueOrDefault(view.OrderId);
            decimal net = (capture?.Amount ?? 0m) - (refund?.Amount ?? 0m);
            cancelled += view.FinalState == OrderMilestones.Cancelled ? 1 : 0;
            string? wrong = null;
            if (refund is not null && (capture is null || capture.PaymentId != refund.PaymentId))
            {
                refundWithoutCapture++;
                wrong = "refunded without its capture";
            }
            else if (view.FinalState == OrderMilestones.Fulfilled)
            {
                if (capture is null)
                {
                    fulfilledWithoutCapture++;
                    wrong = "fulfilled without payment";
                }
                else if (refund is not null)
                {
                    fulfilledButRefunded++;
                    wrong = "fulfilled but refunded";
                }
            }
            else if (net != 0m)
            {
                kept++;
                wrong = string.Create(CultureInfo.InvariantCulture, $"{view.FinalState} with {net} kept");
            }

            if (wrong is not null && examples.Count < 3)
            {
                examples.Add(string.Create(CultureInfo.InvariantCulture, $"#{view.OrderNumber} {wrong}"));
            }
        }

        bool holds = kept == 0 && fulfilledWithoutCapture == 0 && fulfilledButRefunded == 0 && refundWithoutCapture == 0
            && gateway.CapturesByOrder.Count <= book.Count;
        string detail = string.Create(CultureInfo.InvariantCulture, $"{gateway.CapturesByOrder.Count:N0} payments captured, {gateway.RefundsByOrder.Count:N0} late captures refunded, {cancelled:N0} orders cancelled; {kept:N0} orders not fulfilled with money kept, {fulfilledWithoutCapture:N0} fulfilled without payment, {fulfilledButRefunded:N0} fulfilled but refunded, {refundWithoutCapture:N0} refunds without a capture")
            + (examples.Count > 0 ? "; e.g. " + string.Join(", ", examples) : string.Empty);
        return new InvariantResult(Payments, "no money is kept for an order that is not fulfilled", holds, detail);
    }

    /// <summary>The store holds every event the bus accepted exactly once: as many rows per type as events published, and no id twice.</summary>
    public static InvariantResult StoreHoldsEveryEventOnce(IReadOnlyDictionary<string, long> published, StoreCensus census)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(census);
        var wrong = new List<string>();
        foreach (string eventType in published.Keys.Union(census.RowsByType.Keys).Order(StringComparer.Ordinal))
        {
            long sent = published.GetValueOrDefault(eventType);
            long stored = census.RowsByType.GetValueOrDefault(eventType);
            if (sent != stored)
            {
                wrong.Add(string.Create(CultureInfo.InvariantCulture, $"{eventType}: {sent:N0} published, {stored:N0} stored"));
            }
        }

        long totalPublished = published.Values.Sum();
        bool holds = wrong.Count == 0 && census.Rows == census.DistinctIds && census.Rows == totalPublished;
        string detail = string.Create(CultureInfo.InvariantCulture, $"{totalPublished:N0} events published, {census.Rows:N0} rows stored, {census.DistinctIds:N0} distinct ids")
            + (wrong.Count > 0 ? "; " + string.Join(", ", wrong.Take(4)) : string.Empty);
        return new InvariantResult(Store, "the event store holds every event exactly once", holds, detail);
    }

    /// <summary>The order-book projection run over the store from the run's start gives the same book as the live handler, with every row readable.</summary>
    public static InvariantResult ReplayRebuildsTheBook(OrderBook live, StoreCensus census)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(census);
        string liveHash = live.ComputeHash();
        string replayedHash = census.Replayed.ComputeHash();
        bool holds = liveHash == replayedHash && census.Unreadable == 0 && census.Failure is null;
        string detail = string.Create(CultureInfo.InvariantCulture, $"{census.Applied:N0} events projected into {census.Replayed.Count:N0} orders; live {liveHash[..16]}, projected {replayedHash[..16]}; {census.Unreadable} unreadable")
            + (census.Failure is { } failure ? "; stopped: " + failure : string.Empty);
        return new InvariantResult(Replay, "the order-book projection over the store rebuilds the live order book", holds, detail);
    }
}
