using System.Diagnostics;
using System.Globalization;
using EventDriven.Benchmarks.Store;
using EventDriven.Projections;
using EventDriven.Sqlite;
using EventDriven.Sqlite.Projections;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Benchmarks.Projections;

/// <summary>
/// <c>--projection-throughput [events]</c>: how fast a SQLite projection catches up over <c>events</c> stored events (default
/// 1,000,000), with its writes and checkpoint committed durably (<c>synchronous=FULL</c>) every batch, against the floor in the same
/// run: reading and deserializing the same events through <c>ReadAllAsync</c> with nothing written. The projection is an order book:
/// one upsert per event into a table keyed by stream (1,000 streams), through a statement prepared once.
/// </summary>
internal static class ProjectionThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        int events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}; {events:N0} stored events, synchronous=FULL");
        SqliteEventStore store = StoreBench.Open(SqliteSynchronous.Full, out string folder);
        try
        {
            var seed = Stopwatch.StartNew();
            const int Batch = 1000;
            for (int i = 0; i < events; i += Batch)
            {
                var batch = new EventToAppend[Math.Min(Batch, events - i)];
                for (int j = 0; j < batch.Length; j++)
                {
                    batch[j] = new EventToAppend(new StoredOrderLine("order-" + ((i + j) % 1000), "sku", 1 + (j % 5), 9.99m));
                }

                await store.AppendAsync("seed-" + (i / Batch % 16), batch, ExpectedVersion.Any);
            }

            Console.WriteLine($"seeded in {seed.Elapsed.TotalSeconds:F1} s");

            double floor = await ReadFloorAsync(store);
            Report("ReadAllAsync + deserialize, nothing written (floor)", floor, floor);
            var options = new SqliteStoreOptions { DatabasePath = Path.Combine(folder, "bench.db"), Synchronous = SqliteSynchronous.Full, Serializer = store.Serializer };
            await using var checkpoints = new SqliteProjectionCheckpoints(options);
            foreach (int batchSize in (int[])[500, 5000])
            {
                double rate = await CatchUpAsync(store, checkpoints, "book-" + batchSize, batchSize);
                Report($"projection catch-up, batches of {batchSize} (writes + checkpoint per transaction)", rate, floor);
            }
        }
        finally
        {
            await StoreBench.CloseAsync(store, folder);
        }

        return 0;
    }

    private static async Task<double> ReadFloorAsync(IEventStore store)
    {
        var watch = Stopwatch.StartNew();
        long read = 0;
        decimal sink = 0;
        await foreach (StoredEvent stored in store.ReadAllAsync())
        {
            sink += ((StoredOrderLine)store.Serializer.Deserialize(stored)).Quantity;
            read++;
        }

        GC.KeepAlive(sink);
        return read / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> CatchUpAsync(IEventStore store, SqliteProjectionCheckpoints checkpoints, string name, int batchSize)
    {
        var runner = new ProjectionRunner<SqliteProjectionWriter>(store, new OrderBook(name), checkpoints, new ProjectionRunnerOptions { BatchSize = batchSize });
        var watch = Stopwatch.StartNew();
        long applied = await runner.CatchUpAsync();
        return applied / watch.Elapsed.TotalSeconds;
    }

    private static void Report(string line, double rate, double floor)
        => Console.WriteLine($"{line,-80} {rate,12:N0} events/s  {rate / floor,6:P0} of the floor");

    private sealed class OrderBook(string name) : IProjection<SqliteProjectionWriter>
    {
        private readonly string _upsert = $"""
            INSERT INTO "{name}" (stream_id, lines, quantity) VALUES ($stream, 1, $quantity)
            ON CONFLICT (stream_id) DO UPDATE SET lines = lines + 1, quantity = quantity + excluded.quantity
            """;

        public string Name => name;

        public void Setup(SqliteProjectionWriter writer)
            => writer.Execute($"""CREATE TABLE IF NOT EXISTS "{name}" (stream_id TEXT PRIMARY KEY, lines INTEGER NOT NULL, quantity INTEGER NOT NULL) WITHOUT ROWID""");

        public void Apply(IEvent @event, StoredEvent stored, SqliteProjectionWriter writer)
        {
            var line = (StoredOrderLine)@event;
            SqliteCommand upsert = writer.Command(_upsert);
            SqliteProjectionWriter.Set(upsert, "$stream", line.StreamId);
            SqliteProjectionWriter.Set(upsert, "$quantity", line.Quantity);
            upsert.ExecuteNonQuery();
        }

        public void Reset(SqliteProjectionWriter writer) => writer.Execute($"""DELETE FROM "{name}" """);
    }
}
