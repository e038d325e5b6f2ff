using System.Diagnostics;
using System.Globalization;
using ECommerce.Cli;
using ECommerce.Invariants;
using ECommerce.Orders;

namespace ECommerce.Reporting;

/// <summary>Writes the end-of-run summary: outcomes, throughput, latency, events per type, failures, one audit trail and the invariants.</summary>
public static class RunSummary
{
    /// <summary>Writes the summary of <paramref name="result"/> to <paramref name="output"/>, ending with the verdict line.</summary>
    public static void Write(TextWriter output, ShopJobResult result, IReadOnlyList<string> auditTrail, string? auditTitle)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        ShopRun run = result.Run;
        RunMonitor monitor = run.Monitor;
        IFormatProvider c = CultureInfo.InvariantCulture;
        Dictionary<string, long> reasons = CountReasons(run.Book);
        double seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
        long handled = run.Metrics.Handled.Values.Sum();

        output.WriteLine();
        output.WriteLine(string.Create(c, $"orders       {monitor.Submitted,9:N0} submitted"));
        output.WriteLine(string.Create(c, $"  fulfilled  {monitor.Fulfilled,9:N0}"));
        output.WriteLine(string.Create(c, $"  rejected   {monitor.Rejected,9:N0}   ({reasons.GetValueOrDefault("Invalid"):N0} invalid, {reasons.GetValueOrDefault("OutOfStock"):N0} out of stock)"));
        output.WriteLine(string.Create(c, $"  cancelled  {monitor.Cancelled,9:N0}   compensated: stock released, customer notified ({reasons.GetValueOrDefault("PaymentDeclined"):N0} payment declined, {reasons.GetValueOrDefault("PaymentTimedOut"):N0} payment timed out)"));
        output.WriteLine(string.Create(c, $"  refunded   {run.Gateway.RefundsByOrder.Count,9:N0}   late captures: the payment provider answered after the timeout had cancelled the order; the money was given back"));
        output.WriteLine(string.Create(c, $"throughput   {monitor.Finished / seconds,9:N0} orders/s, {handled / seconds:N0} events/s ({handled:N0} events in {seconds:0.00} s, {(run.Options.PostgresConnectionString is not null ? "stored durably in PostgreSQL" : run.Options.DatabasePath is null ? "stored in memory" : "stored durably in SQLite")} before dispatch)"));
        output.WriteLine(string.Create(c, $"latency      submit → final state: p50 {Format(monitor.Latency.Percentile(50))}, p99 {Format(monitor.Latency.Percentile(99))}, max {Format(monitor.Latency.Percentile(100))}"));

        if (monitor.FirstFinishedAt != 0)
        {
            DateTime firstFinished = DateTime.Now - Stopwatch.GetElapsedTime(monitor.FirstFinishedAt);
            double startup = (firstFinished - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
            output.WriteLine(string.Create(c, $"start-up     first order through its whole flow {startup:N0} ms after the process started"));
        }

        output.WriteLine("events handled per type:");
        foreach ((string eventType, long count) in run.Metrics.Handled.OrderByDescending(static p => p.Value).ThenBy(static p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(c, $"  {eventType,-26} {count,9:N0}"));
        }

        long failures = run.Metrics.Failures.Values.Sum();
        long deadLetters = run.Metrics.DeadLettered.Values.Sum();
        output.WriteLine(string.Create(c, $"failures     {failures:N0} handler calls failed and were retried ({Describe(run.Metrics.Failures)}), {deadLetters:N0} events dead-lettered{(deadLetters > 0 ? " (" + Describe(run.Metrics.DeadLettered) + ")" : string.Empty)}"));

        if (auditTitle is not null)
        {
            output.WriteLine($"audit trail of {auditTitle}, read back from the event store:");
            foreach (string line in auditTrail)
            {
                output.WriteLine(line);
            }
        }

        if (result.MermaidPath is { } mermaid)
        {
            output.WriteLine($"event flow   {mermaid} (Mermaid, from the generated topology manifest)");
        }

        output.WriteLine("invariants:");
        foreach (InvariantResult invariant in result.Invariants)
        {
            output.WriteLine($"  {(invariant.Holds ? "ok  " : "FAIL")} {invariant.Statement}: {invariant.Detail}");
        }

        output.WriteLine(result.Verdict);
    }

    private static Dictionary<string, long> CountReasons(OrderBook book)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (OrderView view in book.Orders)
        {
            string? reason = view.FinalState switch
            {
                OrderMilestones.Rejected => view.Rejection?.ToString(),
                OrderMilestones.Cancelled => view.Cancellation?.ToString(),
                _ => null,
            };
            if (reason is not null)
            {
                counts[reason] = counts.GetValueOrDefault(reason) + 1;
            }
        }

        return counts;
    }

    private static string Describe(IReadOnlyDictionary<string, long> byType)
        => byType.Count == 0 ? "none" : string.Join(", ", byType.OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N0}")));

    private static string Format(TimeSpan duration) => duration.TotalMilliseconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMicroseconds:0} µs");
}
