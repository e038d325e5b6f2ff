using System.Diagnostics;
using System.Globalization;

namespace ECommerce.Reporting;

/// <summary>
/// Shows the run's progress while it goes: on a terminal, a progress bar redrawn in place with order and event rates; when the
/// output is redirected (a log, CI), a plain line every few seconds.
/// </summary>
public sealed class ProgressReporter(RunMonitor monitor, BusMetrics metrics, int orders, TextWriter output, bool interactive)
{
    private const int BarWidth = 30;

    /// <summary>Reports until <paramref name="cancellationToken"/> fires, then draws the final state once.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        TimeSpan period = interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(2);
        using var timer = new PeriodicTimer(period);
        long lastFinished = 0;
        long lastEvents = 0;
        long lastAt = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                (lastFinished, lastEvents, lastAt) = Report(lastFinished, lastEvents, lastAt, final: false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        Report(lastFinished, lastEvents, lastAt, final: true);
    }

    private (long Finished, long Events, long At) Report(long lastFinished, long lastEvents, long lastAt, bool final)
    {
        long now = Stopwatch.GetTimestamp();
        long finished = monitor.Finished;
        long events = metrics.HandledTotal;
        double seconds = Math.Max(Stopwatch.GetElapsedTime(lastAt, now).TotalSeconds, 1e-6);
        double orderRate = (finished - lastFinished) / seconds;
        double eventRate = (events - lastEvents) / seconds;
        double share = orders == 0 ? 1 : (double)finished / orders;
        if (final)
        {
            // The final line reports averages over the whole run, not the last interval.
            double elapsed = Math.Max(Stopwatch.GetElapsedTime(monitor.StartedAt, now).TotalSeconds, 1e-6);
            orderRate = finished / elapsed;
            eventRate = events / elapsed;
        }

        if (interactive)
        {
            int filled = (int)Math.Round(share * BarWidth);
            string bar = new string('█', filled) + new string('░', BarWidth - filled);
            output.Write(string.Create(CultureInfo.InvariantCulture, $"\r{bar} {share,4:P0}  {finished:N0}/{orders:N0} orders  {orderRate,9:N0} orders/s  {eventRate,10:N0} events/s  in flight {monitor.Submitted - finished,5:N0}   "));
            if (final)
            {
                output.WriteLine();
            }
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {finished:N0}/{orders:N0} orders ({share:P0}), {orderRate:N0} orders/s, {eventRate:N0} events/s, {monitor.Submitted - finished:N0} in flight"));
        }

        output.Flush();
        return (finished, events, now);
    }
}
