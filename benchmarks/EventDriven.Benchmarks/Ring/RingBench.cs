using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EventDriven.Benchmarks.Ring;

/// <summary>Sizes and helpers shared by the ring benchmarks.</summary>
public static class RingBench
{
    /// <summary>Events per benchmark operation (the <c>OperationsPerInvoke</c>, so Mean is per event).</summary>
    public const int EventsPerOp = 1_000_000;

    /// <summary>Distinct pre-built events cycled through by every producer; also the <c>PublishBatchAsync</c> batch size.</summary>
    public const int BatchSize = 1_000;

    /// <summary>Ring capacity and bounded Channel capacity (the bus's default <c>RingBufferCapacity</c>).</summary>
    public const int Capacity = 65_536;

    /// <summary>How many times an operation publishes the <see cref="BatchSize"/> events (even: two producers publish half each).</summary>
    public const int Rounds = EventsPerOp / BatchSize;

    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Spins (yielding after a few rounds, never sleeping) until <paramref name="counter"/> reaches <paramref name="target"/>.
    /// Throws instead of hanging if events were lost.
    /// </summary>
    public static void WaitUntil(ref long counter, long target)
    {
        if (Volatile.Read(ref counter) >= target)
        {
            return;
        }

        WaitSlow(ref counter, target);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WaitSlow(ref long counter, long target)
    {
        var spinner = new SpinWait();
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref counter) < target)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (spinner.Count % 1024 == 0 && Stopwatch.GetElapsedTime(start) > s_deadline)
            {
                throw new InvalidOperationException($"The consumer handled {Volatile.Read(ref counter)} events of {target} in {s_deadline.TotalSeconds} s: events were lost.");
            }
        }
    }

    /// <summary>Like <see cref="WaitUntil"/>, over both lanes of <paramref name="sinks"/>.</summary>
    public static void WaitUntil(LaneSinks sinks, long target)
    {
        var spinner = new SpinWait();
        long start = Stopwatch.GetTimestamp();
        while (sinks.Handled < target)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (spinner.Count % 1024 == 0 && Stopwatch.GetElapsedTime(start) > s_deadline)
            {
                throw new InvalidOperationException($"The consumers handled {sinks.Handled} events of {target} in {s_deadline.TotalSeconds} s: events were lost.");
            }
        }
    }

    /// <summary>Waits for a publish that did not complete synchronously (a full ring or bounded Channel). Allocates; rare.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Block(ValueTask pending) => pending.AsTask().GetAwaiter().GetResult();
}

/// <summary>
/// A second benchmark thread, created once: <see cref="Start"/> runs <see cref="Work"/> on it, <see cref="Join"/> waits for the end.
/// Starting and joining allocate nothing, so per-event allocation figures stay exact.
/// </summary>
public sealed class HelperThread : IDisposable
{
    private readonly SemaphoreSlim _go = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private readonly Thread _thread;
    private volatile bool _disposed;
    private Exception? _failure;

    public HelperThread(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public Action Work { get; set; } = static () => { };

    public void Start() => _go.Release();

    public void Join()
    {
        _done.Wait();
        if (_failure is { } failure)
        {
            _failure = null;
            throw new InvalidOperationException("The helper thread failed.", failure);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _go.Release();
        _thread.Join();
    }

    private void Run()
    {
        while (true)
        {
            _go.Wait();
            if (_disposed)
            {
                return;
            }

            try
            {
                Work();
            }
            catch (Exception exception)
            {
                _failure = exception;
            }

            _done.Release();
        }
    }
}

/// <summary>Events per second, 1 s / Mean: Mean is per event because every ring benchmark sets <c>OperationsPerInvoke</c>.</summary>
public sealed class EventsPerSecondColumn : IColumn
{
    public string Id => nameof(EventsPerSecondColumn);
    public string ColumnName => "Events/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Events (operations) per second: 1 s / Mean; Mean is per event (OperationsPerInvoke)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Descriptor.Type.Namespace != typeof(RingBench).Namespace)
        {
            return "-";
        }

        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not > 0)
        {
            return "NA";
        }

        double perSecond = 1e9 / meanNs.Value;
        return perSecond >= 1e6
            ? (perSecond / 1e6).ToString("N1", CultureInfo.InvariantCulture) + " M"
            : (perSecond / 1e3).ToString("N1", CultureInfo.InvariantCulture) + " k";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>The ring benchmarks' config: the events/s column and one baseline per category.</summary>
public sealed class RingConfig : ManualConfig
{
    public RingConfig()
    {
        AddColumn(new EventsPerSecondColumn());
        AddColumn(CategoriesColumn.Default, StatisticColumn.Median);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
    }
}
