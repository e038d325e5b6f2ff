using System.Diagnostics;
using ECommerce.Reporting;

namespace ECommerce.Distributed;

/// <summary>
/// Kills service processes during a distributed run, the way a crash or an OOM kill does (SIGKILL: no shutdown, nothing flushed),
/// and starts each again on its database. When and whom is drawn from the run's seed: kill points at shares of the orders finished
/// (so a faster or slower machine kills at the same stage of the run), each hitting a randomly chosen process.
/// </summary>
public sealed class ChaosMonkey(IReadOnlyList<ServiceProcess> processes, RunMonitor monitor, int orders, int kills, int seed)
{
    private readonly List<ChaosKill> _kills = [];

    /// <summary>What was killed, when, and how long it took to come back.</summary>
    public IReadOnlyList<ChaosKill> Kills => _kills;

    /// <summary>The least number of kills in a run: the floor, and enough for every kind of service to be hit in a long run.</summary>
    public const int MinimumKills = 3;

    /// <summary>Kills one process at each kill point until all are done or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(long runStartedAt, CancellationToken cancellationToken)
    {
        var random = new Random(seed ^ 0x5EED);
        // Between 5 % and 85 % of the orders finished: the run is busy there, and there is time left to see it recover.
        double[] points = [.. Enumerable.Range(0, Math.Max(MinimumKills, kills)).Select(_ => 0.05 + (random.NextDouble() * 0.80)).Order()];
        foreach (double point in points)
        {
            long finishedTarget = (long)(point * orders);
            // Reached before the last order finishes (every point is below 85 %), however slow the machine.
            while (monitor.Finished < finishedTarget)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
            }

            ServiceProcess victim = processes[random.Next(processes.Count)];
            int pid = victim.ProcessId;
            TimeSpan at = Stopwatch.GetElapsedTime(runStartedAt);
            long finishedThen = monitor.Finished;
            await victim.KillAsync().ConfigureAwait(false);
            long killedAt = Stopwatch.GetTimestamp();
            await victim.StartAsync(cancellationToken).ConfigureAwait(false);
            _kills.Add(new ChaosKill(victim.Label, pid, at, finishedThen, Stopwatch.GetElapsedTime(killedAt)));
        }
    }
}

/// <summary>One kill of the chaos run.</summary>
/// <param name="Process">The process killed, e.g. <c>payments#2</c>.</param>
/// <param name="ProcessId">Its process id when killed.</param>
/// <param name="At">When, from the start of the run.</param>
/// <param name="OrdersFinished">Orders finished when it was killed.</param>
/// <param name="Downtime">From the kill until the restarted process consumed its queue again.</param>
public sealed record ChaosKill(string Process, int ProcessId, TimeSpan At, long OrdersFinished, TimeSpan Downtime);
