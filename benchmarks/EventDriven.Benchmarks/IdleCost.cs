using System.Diagnostics;
using EventDriven.Benchmarks.Dispatch;
using EventDriven.Benchmarks.Ring;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Benchmarks;

/// <summary>
/// `--idle-cpu [strategy] [seconds]`: the CPU an idle bus costs. Starts a ring-buffer bus, publishes one event so its consumer has
/// run and gone idle, then reads the process's CPU time over a quiet interval. Not a BenchmarkDotNet case: it measures absence of work.
/// </summary>
internal static class IdleCost
{
    public static async Task<int> RunAsync(string[] args)
    {
        WaitStrategy strategy = args.Length > 0 ? Enum.Parse<WaitStrategy>(args[0], ignoreCase: true) : WaitStrategy.Blocking;
        int seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;

        var services = new ServiceCollection()
            .AddSingleton<Sink>()
            .AddSingleton<RingSink>()
            .AddSingleton<LaneSinks>()
            .AddSingleton<Peers.PeerSink>()
            .AddEventDriven(o => o.WaitStrategy = strategy);
        await using ServiceProvider provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<EventBus>();
        await bus.PublishAsync(new OrderPlaced());
        await Task.Delay(TimeSpan.FromSeconds(1)); // let the consumer spin down into its idle wait

        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        process.Refresh();
        double share = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / wall.Elapsed.TotalMilliseconds;
        Console.WriteLine($"Idle bus, WaitStrategy.{strategy}: {share:P3} of one core over {wall.Elapsed.TotalSeconds:0.0} s (whole process, runtime included)");
        await bus.StopAsync();
        return 0;
    }
}
