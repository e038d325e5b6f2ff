using System.Diagnostics;
using System.Globalization;
using EventDriven.Benchmarks.Store;
using EventDriven.Outbox;
using EventDriven.RabbitMQ;
using EventDriven.Serialization;
using EventDriven.Sqlite;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace EventDriven.Benchmarks.Transport;

/// <summary>
/// <c>--rabbitmq-throughput "&lt;amqp uri&gt;" [messages]</c> (<c>benchmarks/rabbitmq-throughput.sh</c> starts a throwaway broker): the
/// relay against RabbitMQ.Client's own rate, in one run. Lines: raw publishes with confirms awaited one by one; raw publishes with
/// confirms, 512 in flight (the baseline); the outbox relay draining a full SQLite outbox (durable, <c>synchronous=FULL</c>) of the
/// same messages; commit → handled in another process (the endpoint and the bus of a child process) at a paced 500 events/s;
/// and the CPU of a relay with nothing to send. Each queue is a quorum queue bound to the routing key, as an endpoint declares it.
/// </summary>
internal static class RabbitMqThroughput
{
    private const int PayloadSize = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is < 1 or > 2)
        {
            Console.Error.WriteLine("usage: --rabbitmq-throughput \"<amqp uri>\" [messages, default 100000]");
            return 2;
        }

        var broker = new Uri(args[0]);
        int messages = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}, RabbitMQ.Client 7.2.2; {messages:N0} messages of ~{PayloadSize} bytes per line, quorum queue, persistent");

        double oneByOne = await RawPublishAsync(broker, Math.Min(messages, 5_000), inFlight: 1);
        Console.WriteLine($"{"raw BasicPublishAsync, confirm awaited one by one",-64} {oneByOne,10:N0} msg/s");
        double raw = await RawPublishAsync(broker, messages, inFlight: 512);
        Console.WriteLine($"{"raw BasicPublishAsync, 512 confirms in flight (baseline)",-64} {raw,10:N0} msg/s   1.00x");
        double relay = await RelayAsync(broker, messages);
        Console.WriteLine($"{"OutboxRelay draining a full SQLite outbox (batches of 512)",-64} {relay,10:N0} msg/s   {relay / raw:F2}x of the baseline");
        await LatencyAsync(broker, 500, TimeSpan.FromSeconds(10));
        await IdleAsync(TimeSpan.FromSeconds(10));
        return 0;
    }

    /// <summary>The child of the latency line: an application with the bus and an endpoint; prints READY, then a line per handled probe.</summary>
    public static async Task<int> RunConsumerAsync(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Dispatch.Sink>().AddSingleton<Ring.RingSink>().AddSingleton<Ring.LaneSinks>().AddSingleton<Peers.PeerSink>();
        builder.Services.AddEventDriven();
        builder.Services.AddEventDrivenRabbitMQ(o =>
        {
            o.Uri = new Uri(args[0]);
            o.Exchange = args[1];
            o.Endpoint = args[2];
        });
        using IHost host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<RabbitMqEndpoint>().Ready;
        Console.Out.WriteLine("READY");
        await Console.In.ReadLineAsync(); // the parent closes stdin when done
        await host.StopAsync();
        return 0;
    }

    private static async Task<double> RawPublishAsync(Uri broker, int count, int inFlight)
    {
        string exchange = "bench-raw-" + Guid.NewGuid().ToString("N")[..8];
        await using IConnection connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
        await using IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true, outstandingPublisherConfirmationsRateLimiter: null));
        await DeclareAsync(channel, exchange, "StoredOrderLine");
        byte[] body = new byte[PayloadSize];
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, Type = "StoredOrderLine", ContentType = "application/json" };
        var pending = new Task[inFlight];
        var clock = Stopwatch.StartNew();
        for (int sent = 0; sent < count; sent += inFlight)
        {
            int n = Math.Min(inFlight, count - sent);
            for (int i = 0; i < n; i++)
            {
                pending[i] = channel.BasicPublishAsync(exchange, "StoredOrderLine", mandatory: true, properties, body).AsTask();
            }

            for (int i = 0; i < n; i++)
            {
                await pending[i];
            }
        }

        double rate = count / clock.Elapsed.TotalSeconds;
        await channel.QueueDeleteAsync(exchange);
        return rate;
    }

    private static async Task<double> RelayAsync(Uri broker, int count)
    {
        string exchange = "bench-relay-" + Guid.NewGuid().ToString("N")[..8];
        string folder = Path.Combine(Path.GetTempPath(), "eventdriven-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var registry = new EventTypeRegistry([]).Add("StoredOrderLine", 1, StoreBenchJsonContext.Default.StoredOrderLine);
            var options = new SqliteStoreOptions { DatabasePath = Path.Combine(folder, "relay.db"), Serializer = new JsonEventSerializer(registry) };
            options.Outbox.Include("StoredOrderLine");
            await using (var store = new SqliteEventStore(options))
            {
                // Fill the outbox first (the relay is not running): what is measured is the drain alone.
                var appends = new List<Task>();
                for (int i = 0; i < count; i++)
                {
                    var line = new StoredOrderLine("order-" + (i % 1000), "sku-" + i, 1, 9.99m);
                    appends.Add(store.AppendAsync(line.StreamId, [new EventToAppend(line)], ExpectedVersion.Any).AsTask());
                    if (appends.Count == 4096)
                    {
                        await Task.WhenAll(appends);
                        appends.Clear();
                    }
                }

                await Task.WhenAll(appends);
            }

            await using (IConnection connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync())
            await using (IChannel channel = await connection.CreateChannelAsync())
            {
                await DeclareAsync(channel, exchange, "StoredOrderLine");
            }

            await using var outbox = new SqliteOutbox(options);
            await using var transport = new RabbitMqOutboxTransport(new RabbitMqOptions { Uri = broker, Exchange = exchange });
            var relay = new OutboxRelay(outbox, transport, options.Outbox);
            var clock = Stopwatch.StartNew();
            while (await relay.RelayOnceAsync(default))
            {
            }

            double rate = relay.Sent / clock.Elapsed.TotalSeconds;
            if (relay.Sent != count)
            {
                throw new InvalidOperationException($"The relay sent {relay.Sent} of {count}.");
            }

            return rate;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task LatencyAsync(Uri broker, int perSecond, TimeSpan duration)
    {
        string exchange = "bench-latency-" + Guid.NewGuid().ToString("N")[..8];
        string queue = exchange + "-consumer";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])[typeof(RabbitMqThroughput).Assembly.Location, "--rabbitmq-consumer", broker.ToString(), exchange, queue])
        {
            start.ArgumentList.Add(argument);
        }

        using Process consumer = Process.Start(start)!;
        var handled = new Dictionary<Guid, long>();
        var ready = new TaskCompletionSource();
        int expected = (int)(perSecond * duration.TotalSeconds);
        var all = new TaskCompletionSource();
        Task reading = Task.Run(async () =>
        {
            while (await consumer.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line == "READY")
                {
                    ready.TrySetResult();
                }
                else if (line.StartsWith("H ", StringComparison.Ordinal))
                {
                    string[] parts = line.Split(' ');
                    lock (handled)
                    {
                        handled[Guid.Parse(parts[1])] = long.Parse(parts[2], CultureInfo.InvariantCulture);
                        if (handled.Count == expected)
                        {
                            all.TrySetResult();
                        }
                    }
                }
            }
        });
        await ready.Task.WaitAsync(TimeSpan.FromMinutes(1));

        string folder = Path.Combine(Path.GetTempPath(), "eventdriven-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var committed = new Dictionary<Guid, long>();
        {
            var registry = new EventTypeRegistry([]).Add("LatencyProbe", 1, TransportBenchJsonContext.Default.LatencyProbe);
            var options = new SqliteStoreOptions { DatabasePath = Path.Combine(folder, "latency.db"), Serializer = new JsonEventSerializer(registry) };
            options.Outbox.Include("LatencyProbe");
            await using var store = new SqliteEventStore(options);
            await using var outbox = new SqliteOutbox(options);
            await using var transport = new RabbitMqOutboxTransport(new RabbitMqOptions { Uri = broker, Exchange = exchange });
            var relay = new OutboxRelay(outbox, transport, options.Outbox);
            using var stop = new CancellationTokenSource();
            Task relaying = relay.RunAsync(stop.Token);
            long interval = Stopwatch.Frequency / perSecond;
            long next = Stopwatch.GetTimestamp();
            for (int i = 0; i < expected; i++)
            {
                while (Stopwatch.GetTimestamp() < next)
                {
                    await Task.Yield();
                }

                next += interval;
                var probe = new LatencyProbe("probe-" + (i % 16), i);
                await store.AppendAsync(probe.StreamId, [new EventToAppend(probe)], ExpectedVersion.Any);
                committed[probe.Id] = Stopwatch.GetTimestamp();
            }

            await all.Task.WaitAsync(TimeSpan.FromMinutes(2));
            await stop.CancelAsync();
            await relaying;
        }

        consumer.StandardInput.Close();
        await consumer.WaitForExitAsync();
        await reading;
        Directory.Delete(folder, recursive: true);

        double[] latencies = [.. committed.Select(c => (handled[c.Key] - c.Value) * 1000.0 / Stopwatch.Frequency).Order()];
        Console.WriteLine($"{$"commit -> handled in another process, {perSecond}/s for {duration.TotalSeconds:0} s",-64} p50 {Percentile(latencies, 0.50):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms ({latencies.Length:N0} events, synchronous=FULL commit, quorum queue, one consumer)");
    }

    private static async Task IdleAsync(TimeSpan duration)
    {
        string folder = Path.Combine(Path.GetTempPath(), "eventdriven-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var options = new SqliteStoreOptions { DatabasePath = Path.Combine(folder, "idle.db") };
        options.Outbox.IncludeAll();
        await using (var outbox = new SqliteOutbox(options))
        {
            var relay = new OutboxRelay(outbox, new NoTransport(), options.Outbox);
            using var stop = new CancellationTokenSource();
            Task relaying = relay.RunAsync(stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(2));
            using var process = Process.GetCurrentProcess();
            TimeSpan cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            await Task.Delay(duration);
            process.Refresh();
            double share = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / wall.Elapsed.TotalMilliseconds;
            Console.WriteLine($"{"idle relay (empty SQLite outbox, PollInterval 1 s)",-64} {share:P3} of one core (whole process)");
            await stop.CancelAsync();
            await relaying;
        }

        Directory.Delete(folder, recursive: true);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static async Task DeclareAsync(IChannel channel, string exchange, string routingKey)
    {
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true);
        await channel.QueueDeclareAsync(exchange, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await channel.QueueBindAsync(exchange, exchange, routingKey);
    }

    private sealed class NoTransport : IOutboxTransport
    {
        public ValueTask<OutboxSendResult> SendAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken cancellationToken) => new(new OutboxSendResult(batch.Count, null));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(LatencyProbe))]
internal sealed partial class TransportBenchJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
