using System.Diagnostics;
using System.Globalization;
using EventDriven.Sqlite;
using EventDriven.Store;

namespace EventDriven.Benchmarks.Store;

/// <summary>
/// <c>--store-throughput [events] [appenders,...]</c>: sustained append throughput of <see cref="SqliteEventStore"/> as the file grows,
/// which a BenchmarkDotNet iteration (a few seconds on a small file) cannot show. For FULL and NORMAL and each number of concurrent
/// appenders (one event per append, each appender awaiting its own appends one by one), appends <c>events</c> events (default
/// 1,000,000) to a fresh file and prints events/s per tenth of the run, the average group size, and the process CPU per event.
/// </summary>
internal static class StoreThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        int events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        int[] appenderCounts = args.Length > 1 ? [.. args[1].Split(',').Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [256, 1024];
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}; {events:N0} events per run, one event per append");
        foreach (SqliteSynchronous synchronous in (SqliteSynchronous[])[SqliteSynchronous.Full, SqliteSynchronous.Normal])
        {
            foreach (int appenders in appenderCounts)
            {
                await RunOneAsync(synchronous, appenders, events);
            }
        }

        return 0;
    }

    private static async Task RunOneAsync(SqliteSynchronous synchronous, int appenders, int events)
    {
        SqliteEventStore store = StoreBench.Open(synchronous, out string folder);
        try
        {
            const int Chunks = 10;
            int perAppender = Math.Max(1, events / Chunks / appenders);
            var line = new List<string>();
            var total = Stopwatch.StartNew();
            TimeSpan cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            for (int chunk = 0; chunk < Chunks; chunk++)
            {
                var watch = Stopwatch.StartNew();
                var tasks = new Task[appenders];
                for (int a = 0; a < appenders; a++)
                {
                    string stream = "order-" + a;
                    int round = chunk * perAppender;
                    tasks[a] = Task.Run(async () =>
                    {
                        for (int i = 0; i < perAppender; i++)
                        {
                            await store.AppendAsync(stream, StoreBench.OneEvent(stream, round + i), ExpectedVersion.Any);
                        }
                    });
                }

                await Task.WhenAll(tasks);
                line.Add((perAppender * appenders / watch.Elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture));
            }

            double written = (double)perAppender * appenders * Chunks;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;
            Console.WriteLine(
                $"{synchronous,-6} {appenders,5} appenders: {written / total.Elapsed.TotalSeconds,9:N0} events/s overall; " +
                $"per tenth: {string.Join(" ", line)}; group {store.AverageGroupSize:N0} appends; CPU {cpu * 1e6 / written:N1} us/event");
        }
        finally
        {
            await StoreBench.CloseAsync(store, folder);
        }
    }
}
