using BenchmarkDotNet.Attributes;
using EventDriven.Sqlite;
using EventDriven.Store;

namespace EventDriven.Benchmarks.Store;

/// <summary>
/// One appender awaiting each append before the next, so nothing can be grouped: every append is its own commit (with FULL, its own
/// fsync). <see cref="OneEventPerAppend"/> is the floor; <see cref="HundredEventsPerAppend"/> is the shape of store-and-publish (the
/// bus appends a consumer batch at once). Mean is the time per event; events/s = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class SqliteSingleAppenderBenchmarks
{
    private const int Appends = 1_024;
    private const int BatchAppends = 128;
    private const int EventsPerBatch = 100;

    private SqliteEventStore? _store;
    private string? _folder;
    private int _round;

    [Params(SqliteSynchronous.Full, SqliteSynchronous.Normal)]
    public SqliteSynchronous Synchronous { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = StoreBench.Open(Synchronous, out string folder);
        _folder = folder;
    }

    [GlobalCleanup]
    public Task Cleanup() => StoreBench.CloseAsync(_store, _folder);

    [Benchmark(OperationsPerInvoke = Appends)]
    public async Task OneEventPerAppend()
    {
        int round = _round++;
        for (int i = 0; i < Appends; i++)
        {
            await _store!.AppendAsync("order-1", StoreBench.OneEvent("order-1", round + i), ExpectedVersion.Any);
        }
    }

    [Benchmark(OperationsPerInvoke = BatchAppends * EventsPerBatch)]
    public async Task HundredEventsPerAppend()
    {
        int round = _round++;
        var batch = new EventToAppend[EventsPerBatch];
        for (int i = 0; i < BatchAppends; i++)
        {
            string stream = "order-" + (i % 16);
            for (int e = 0; e < EventsPerBatch; e++)
            {
                batch[e] = StoreBench.OneEvent(stream, round + e)[0];
            }

            await _store!.AppendAsync(stream, batch, ExpectedVersion.Any);
        }
    }
}
