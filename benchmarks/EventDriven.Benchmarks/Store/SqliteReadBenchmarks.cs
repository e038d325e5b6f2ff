using BenchmarkDotNet.Attributes;
using EventDriven.Sqlite;
using EventDriven.Store;

namespace EventDriven.Benchmarks.Store;

/// <summary>
/// Catch-up read throughput: <see cref="SqliteEventStore.ReadAllAsync"/> over a store of <see cref="Events"/> events, paged
/// (default page size). Mean is the time per event read (rows as stored, not deserialized); events/s = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class SqliteReadBenchmarks
{
    private const int Events = 100_000;

    private SqliteEventStore? _store;
    private string? _folder;

    [GlobalSetup]
    public async Task Setup()
    {
        _store = StoreBench.Open(SqliteSynchronous.Normal, out string folder);
        _folder = folder;
        for (int written = 0; written < Events; written += 1_000)
        {
            EventToAppend[] batch = [.. Enumerable.Range(written, 1_000).Select(i => StoreBench.OneEvent("order-" + (i % 100), i)[0])];
            await _store.AppendAsync("bulk-" + written, batch, ExpectedVersion.NoStream);
        }
    }

    [GlobalCleanup]
    public Task Cleanup() => StoreBench.CloseAsync(_store, _folder);

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<long> ReadAll()
    {
        long sum = 0;
        await foreach (StoredEvent stored in _store!.ReadAllAsync())
        {
            sum += stored.Position;
        }

        return sum != (long)Events * (Events + 1) / 2 ? throw new InvalidOperationException($"read {sum}, not every event") : sum;
    }
}
