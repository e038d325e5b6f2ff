using System.Globalization;
using ECommerce.Invariants;
using ECommerce.Reporting;

namespace ECommerce.Distributed;

/// <summary>Writes the end of a distributed run: outcomes, throughput, latency, each process's traffic, the chaos, and the invariants.</summary>
public static class DistributedSummary
{
    /// <summary>Writes the summary of <paramref name="result"/>, ending with the verdict line.</summary>
    public static void Write(TextWriter output, DistributedResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        IFormatProvider c = CultureInfo.InvariantCulture;
        RunMonitor monitor = result.Monitor;
        double seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
        long events = result.Census.Audit.Rows;
        output.WriteLine();
        output.WriteLine(string.Create(c, $"orders       {monitor.Submitted,9:N0} submitted"));
        output.WriteLine(string.Create(c, $"  fulfilled  {monitor.Fulfilled,9:N0}"));
        output.WriteLine(string.Create(c, $"  rejected   {monitor.Rejected,9:N0}"));
        output.WriteLine(string.Create(c, $"  cancelled  {monitor.Cancelled,9:N0}   compensated: stock released, customer notified"));
        output.WriteLine(string.Create(c, $"  refunded   {result.Census.Gateway.RefundsByOrder.Count,9:N0}   late captures given back"));
        output.WriteLine(string.Create(c, $"throughput   {monitor.Finished / seconds,9:N0} orders/s, {events / seconds:N0} events/s ({events:N0} events in the audit trail, {seconds:0.00} s)"));
        output.WriteLine(string.Create(c, $"latency      submit → final state: p50 {Format(monitor.Latency.Percentile(50))}, p99 {Format(monitor.Latency.Percentile(99))}, max {Format(monitor.Latency.Percentile(100))}"));
        string firstOrder = monitor.FirstFinishedAt == 0 ? string.Empty : string.Create(c,
            $"; first order through its whole flow {(DateTime.Now - System.Diagnostics.Stopwatch.GetElapsedTime(monitor.FirstFinishedAt) - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds:N0} ms after the driver started");
        output.WriteLine(string.Create(c, $"start-up     {result.Startup.TotalMilliseconds:N0} ms until every service consumed its queue (processes started, databases opened, state rebuilt){firstOrder}"));
        output.WriteLine("events in the audit trail per type:");
        foreach ((string eventType, long count) in result.Census.Audit.RowsByType.OrderByDescending(static p => p.Value).ThenBy(static p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(c, $"  {eventType,-26} {count,9:N0}"));
        }

        output.WriteLine("processes    received  redelivered  dead-lettered       sent  duplicates absorbed  starts");
        foreach (ProcessReport process in result.Processes)
        {
            ServiceStats s = process.Stats;
            output.WriteLine(string.Create(c, $"  {process.Label,-11}{s.Received,9:N0}  {s.Redelivered,11:N0}  {s.DeadLettered,13:N0}  {s.Sent,9:N0}  {process.DuplicatesAbsorbed,19:N0}  {process.Starts,6}"));
        }

        long redelivered = result.Processes.Sum(static p => p.Stats.Redelivered);
        long duplicates = result.Processes.Sum(static p => p.DuplicatesAbsorbed) + monitor.DuplicateFinals;
        if (result.Options.Chaos)
        {
            output.WriteLine(string.Create(c, $"chaos        {result.Kills.Count} processes killed (SIGKILL) and restarted on their databases:"));
            foreach (ChaosKill kill in result.Kills)
            {
                output.WriteLine(string.Create(c, $"  {kill.At.TotalSeconds,6:0.00} s  {kill.Process,-14} pid {kill.ProcessId,-8} at {kill.OrdersFinished:N0} orders finished; consuming again {kill.Downtime.TotalMilliseconds:N0} ms later"));
            }
        }

        output.WriteLine(string.Create(c, $"delivery     {redelivered:N0} messages redelivered by the broker; {duplicates:N0} copies absorbed (already stored or already recorded: no second effect)"));
        if (result.Census.TrailTitle is { } title)
        {
            output.WriteLine($"audit trail of {title}, read back from the audit service's store:");
            foreach (string line in result.Census.Trail)
            {
                output.WriteLine(line);
            }
        }

        output.WriteLine($"event flow   {result.MermaidPath} (Mermaid, from each service's part of the generated topology manifest)");
        output.WriteLine("invariants:");
        foreach (InvariantResult invariant in result.Invariants)
        {
            output.WriteLine($"  {(invariant.Holds ? "ok  " : "FAIL")} {invariant.Statement}: {invariant.Detail}");
        }

        output.WriteLine(result.Verdict);
        output.Flush();
    }

    private static string Format(TimeSpan duration) => duration.TotalMilliseconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMicroseconds:0} µs");
}
