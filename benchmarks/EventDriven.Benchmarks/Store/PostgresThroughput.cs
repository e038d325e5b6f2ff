using System.Diagnostics;
using System.Globalization;
using EventDriven.PostgreSql;
using EventDriven.Serialization;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.Benchmarks.Store;

/// <summary>
/// <c>--postgres-throughput "&lt;connection string&gt;" [events]</c>: the PostgreSQL store against the server's own ceiling, in one run
/// (<c>benchmarks/postgres-throughput.sh</c> starts a throwaway server for it). Each line in a fresh schema:
/// the baseline, a server-side <c>INSERT … SELECT … FROM generate_series</c> of <c>events</c> rows into a table shaped like the store's
/// (unique uuid, unique (stream, version)); durable appends (one event each) from 256 concurrent appenders; one appender; 4 processes
/// of 64 appenders each; and <c>ReadAllAsync</c> over what was appended. Every figure is also given as a ratio to the baseline.
/// </summary>
internal static class PostgresThroughput
{
    private static readonly EventTypeRegistry s_registry = new EventTypeRegistry([]).Add("StoredOrderLine", 1, StoreBenchJsonContext.Default.StoredOrderLine);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is < 1 or > 2)
        {
            Console.Error.WriteLine("usage: --postgres-throughput \"<connection string>\" [events, default 600000]");
            return 2;
        }

        string server = args[0];
        int events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600_000;
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var settings = new NpgsqlCommand("SELECT current_setting('server_version') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', fsync=' || current_setting('fsync')", connection);
            Console.WriteLine($"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}, PostgreSQL {await settings.ExecuteScalarAsync()}; {events:N0} events per line, one event per append");
        }

        double raw = await RawInsertAsync(server, events);
        Report("raw INSERT ... SELECT FROM generate_series (baseline)", raw, raw, "");

        (double grouped, string schema, double groupSize) = await AppendersAsync(server, 256, events);
        Report("256 concurrent appenders, group commit", grouped, raw, $"{groupSize:F0} appends per transaction");

        (double single, _, _) = await AppendersAsync(server, 1, Math.Min(events, 20_000));
        Report("1 appender, one append at a time", single, raw, $"{1_000_000 / single:F0} µs per append");

        double processes = await ProcessesAsync(server, 4, 64, events);
        Report("4 processes x 64 appenders", processes, raw, "");

        double rawRead = await RawReadAsync(server, schema);
        Report("raw Npgsql read of the same rows, one query (read floor)", rawRead, raw, "");
        double read = await ReadAllAsync(server, schema, 512);
        Report("ReadAllAsync (rows as stored, pages of 512)", read, raw, $"{read / rawRead:P0} of the read floor");
        double bigPages = await ReadAllAsync(server, schema, 4096);
        Report("ReadAllAsync (rows as stored, pages of 4096)", bigPages, raw, $"{bigPages / rawRead:P0} of the read floor");
        return 0;
    }

    /// <summary>One child of the 4-process line: waits for GO on stdin, appends, prints its elapsed seconds.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        string server = args[0];
        string schema = args[1];
        int appenders = int.Parse(args[2], CultureInfo.InvariantCulture);
        int events = int.Parse(args[3], CultureInfo.InvariantCulture);
        string name = args[4];
        await using PostgresEventStore store = Open(server, schema);
        await store.EnsureCreatedAsync();
        Console.WriteLine("READY");
        _ = Console.ReadLine();
        var watch = Stopwatch.StartNew();
        await AppendAsync(store, appenders, events / appenders, name);
        Console.WriteLine(watch.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    private static void Report(string what, double perSecond, double baseline, string note)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-55} {perSecond,10:N0} events/s  {perSecond / baseline,5:P0} of raw  {note}"));

    private static async Task<double> RawInsertAsync(string server, int rows)
    {
        string schema = NewSchema();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.raw (position bigint PRIMARY KEY, stream_id text NOT NULL, stream_version bigint NOT NULL, event_id uuid NOT NULL UNIQUE,
              event_type text NOT NULL, schema_version integer NOT NULL, occurred_at timestamptz NOT NULL, causation_id uuid, correlation_id uuid,
              metadata text, payload bytea NOT NULL, UNIQUE (stream_id, stream_version));
            """);
        var watch = Stopwatch.StartNew();
        await ExecuteAsync(connection, $$"""
            INSERT INTO {{schema}}.raw
            SELECT g, 'order-' || (g % 256), g / 256, gen_random_uuid(), 'StoredOrderLine', 1, now(), NULL, gen_random_uuid(), NULL,
                   convert_to('{"StreamId":"order-' || (g % 256) || '","Sku":"sku-42","Quantity":' || g || ',"Price":9.99}', 'UTF8')
            FROM generate_series(1, {{rows}}) AS g
            """);
        double rate = rows / watch.Elapsed.TotalSeconds;
        await ExecuteAsync(connection, $"DROP SCHEMA {schema} CASCADE");
        return rate;
    }

    private static async Task<(double PerSecond, string Schema, double GroupSize)> AppendersAsync(string server, int appenders, int events)
    {
        string schema = NewSchema();
        await using PostgresEventStore store = Open(server, schema);
        await store.EnsureCreatedAsync();
        var watch = Stopwatch.StartNew();
        int appended = await AppendAsync(store, appenders, events / appenders, "a");
        return (appended / watch.Elapsed.TotalSeconds, schema, store.AverageGroupSize);
    }

    private static async Task<int> AppendAsync(PostgresEventStore store, int appenders, int perAppender, string name)
    {
        await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            string stream = $"order-{name}-{a}";
            for (int i = 0; i < perAppender; i++)
            {
                await store.AppendAsync(stream, StoreBench.OneEvent(stream, i), ExpectedVersion.Any);
            }
        })));
        return appenders * perAppender;
    }

    private static async Task<double> ProcessesAsync(string server, int processes, int appenders, int events)
    {
        string schema = NewSchema();
        await using (PostgresEventStore creator = Open(server, schema))
        {
            await creator.EnsureCreatedAsync();
        }

        var children = new List<Process>();
        try
        {
            for (int p = 0; p < processes; p++)
            {
                var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
                if (!Environment.ProcessPath!.EndsWith("EventDriven.Benchmarks", StringComparison.Ordinal))
                {
                    start.ArgumentList.Add(typeof(PostgresThroughput).Assembly.Location); // run through the dotnet host
                }

                foreach (string argument in (string[])["--postgres-appender", server, schema, appenders.ToString(CultureInfo.InvariantCulture), (events / processes).ToString(CultureInfo.InvariantCulture), "p" + p])
                {
                    start.ArgumentList.Add(argument);
                }

                Process child = Process.Start(start)!;
                children.Add(child);
                if (await child.StandardOutput.ReadLineAsync() != "READY")
                {
                    throw new InvalidOperationException("a child appender did not start");
                }
            }

            var watch = Stopwatch.StartNew();
            foreach (Process child in children)
            {
                await child.StandardInput.WriteLineAsync("GO");
                await child.StandardInput.FlushAsync();
            }

            foreach (Process child in children)
            {
                _ = await child.StandardOutput.ReadLineAsync();
                await child.WaitForExitAsync();
            }

            return appenders * (events / processes / appenders) * processes / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (Process child in children)
            {
                if (!child.HasExited)
                {
                    child.Kill();
                }

                child.Dispose();
            }
        }
    }

    private static async Task<double> RawReadAsync(string server, string schema)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        var watch = Stopwatch.StartNew();
        long read = 0;
        await using var command = new NpgsqlCommand($"SELECT position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, causation_id, correlation_id, metadata, payload FROM {schema}.events ORDER BY position", connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _ = reader.GetInt64(0);
            _ = reader.GetString(1);
            _ = reader.GetGuid(3);
            _ = reader.GetString(4);
            _ = reader.GetFieldValue<byte[]>(10);
            read++;
        }

        return read / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> ReadAllAsync(string server, string schema, int pageSize)
    {
        await using PostgresEventStore store = Open(server, schema, pageSize);
        var watch = Stopwatch.StartNew();
        long read = 0;
        await foreach (StoredEvent _ in store.ReadAllAsync())
        {
            read++;
        }

        return read / watch.Elapsed.TotalSeconds;
    }

    private static PostgresEventStore Open(string server, string schema, int readPageSize = 512)
        => new(new PostgresStoreOptions { ConnectionString = server, Schema = schema, Serializer = new JsonEventSerializer(s_registry), ReadPageSize = readPageSize });

    private static string NewSchema() => "bench_" + Guid.NewGuid().ToString("N")[..12];

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
