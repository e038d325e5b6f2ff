using System.Diagnostics;
using System.Globalization;
using ECommerce.Reporting;
using RabbitMQ.Client;

namespace ECommerce.Distributed;

/// <summary>
/// The progress of a distributed run: orders finished and their rate, and per service its queue's depth on the broker and the
/// deliveries it received since the last line (where a backlog builds, and who is down).
/// </summary>
public sealed class DistributedProgress(RunMonitor monitor, IReadOnlyList<ServiceProcess> processes, Uri broker, int orders, TextWriter output, bool interactive)
{
    /// <summary>Reports until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = broker, AutomaticRecoveryEnabled = true, ClientProvidedName = "ecommerce progress" };
        await using IConnection connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using IChannel channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(interactive ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2));
        long lastFinished = 0;
        long lastAt = Stopwatch.GetTimestamp();
        var lastReceived = processes.ToDictionary(static p => p.Label, static _ => 0L, StringComparer.Ordinal);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long now = Stopwatch.GetTimestamp();
                double seconds = Math.Max(Stopwatch.GetElapsedTime(lastAt, now).TotalSeconds, 1e-6);
                long finished = monitor.Finished;
                var parts = new List<string>();
                foreach (IGrouping<string, ServiceProcess> service in processes.GroupBy(static p => p.Service.Endpoint))
                {
                    uint depth = await channel.MessageCountAsync(service.Key, cancellationToken).ConfigureAwait(false);
                    long received = 0;
                    foreach (ServiceProcess process in service)
                    {
                        long total = process.Stats.Received;
                        received += total - lastReceived[process.Label];
                        lastReceived[process.Label] = total;
                    }

                    string down = service.Any(static p => p.ProcessId == 0) ? " DOWN" : string.Empty;
                    parts.Add(string.Create(CultureInfo.InvariantCulture, $"{service.First().Service.Name} {received / seconds:N0}/s q{depth:N0}{down}"));
                }

                string line = string.Create(CultureInfo.InvariantCulture, $"{finished:N0}/{orders:N0} orders ({(double)finished / orders:P0}), {(finished - lastFinished) / seconds:N0}/s, {monitor.Submitted - finished:N0} open | {string.Join(", ", parts)}");
                output.Write(interactive ? "\r" + line.PadRight(150) : "progress: " + line + Environment.NewLine);
                output.Flush();
                (lastFinished, lastAt) = (finished, now);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        if (interactive)
        {
            output.WriteLine();
        }
    }
}
