using BenchmarkDotNet.Attributes;
using EventDriven.Sqlite;
using EventDriven.Store;

namespace EventDriven.Benchmarks.Store;

/// <summary>
/// Group commit: <see cref="InFlight"/> appenders, each appending one event per append to its own stream and awaiting each append
/// before the next, all through one <see cref="SqliteEventStore"/>. The writer commits whatever is queued in one transaction, so one
/// commit (one fsync with FULL) serves many appends; every append is still acknowledged only after its commit. Mean is the time per
/// event; events/s = 1e9 / Mean(ns).
/// </summary>
/// <remarks>The file grows through the run, as a real store does (tens of thousands of events per iteration).</remarks>
[MemoryDiagnoser]
public class SqliteGroupCommitBenchmarks
{
    private const int Appends = 16_384;

    private SqliteEventStore? _store;
    private string? _folder;
    private string[] _streams = [];
    private int _round;

    [Params(SqliteSynchronous.Full, SqliteSynchronous.Normal)]
    public SqliteSynchronous Synchronous { get; set; }

    [Params(64, 256, 1024)]
    public int InFlight { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = StoreBench.Open(Synchronous, out string folder);
        _folder = folder;
        _streams = [.. Enumerable.Range(0, InFlight).Select(i => "order-" + i)];
    }

    [GlobalCleanup]
    public Task Cleanup() => StoreBench.CloseAsync(_store, _folder);

    [Benchmark(OperationsPerInvoke = Appends)]
    public async Task ConcurrentAppenders()
    {
        int perAppender = Appends / InFlight;
        int round = _round++;
        var appenders = new Task[InFlight];
        for (int a = 0; a < InFlight; a++)
        {
            appenders[a] = AppendInSequenceAsync(_streams[a], perAppender, round);
        }

        await Task.WhenAll(appenders);
    }

    private async Task AppendInSequenceAsync(string stream, int count, int round)
    {
        await Task.Yield();
        for (int i = 0; i < count; i++)
        {
            await _store!.AppendAsync(stream, StoreBench.OneEvent(stream, round + i), ExpectedVersion.Any);
        }
    }
}
