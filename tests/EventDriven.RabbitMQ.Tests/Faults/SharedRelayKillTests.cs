using System.Diagnostics;
using System.Reflection;
using EventDriven.PostgreSql;
using EventDriven.PostgreSql.Tests.Fixtures;
using EventDriven.RabbitMQ.Child;
using EventDriven.RabbitMQ.Tests.Fixtures;
using EventDriven.Serialization;
using EventDriven.Store;
using Xunit.Abstractions;

namespace EventDriven.RabbitMQ.Tests.Faults;

/// <summary>
/// Three relay processes share one PostgreSQL schema's outbox with no leader; ten times one of them is SIGKILLed mid-stream and
/// started again. The others take its partitions: every committed event reaches the consumer, none has a second effect, and each
/// stream's first deliveries keep commit order.
/// </summary>
public sealed class SharedRelayKillTests(ITestOutputHelper output)
{
    private const int MinimumEvents = 500;
    private const int Relays = 3;
    private const int Kills = 10;

    [Fact]
    public async Task ThreeRelayProcessesOnOneSchema_OneKilledTenTimes_NothingLost_NoDuplicateEffect_OrderPerStreamKept()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        PostgresServer database = await PostgresServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        string schema = PostgresServer.NewSchema();
        string run = Guid.NewGuid().ToString("N")[..8];
        await using Service billing = await Service.StartAsync(broker.Uri, exchange, Service.UniqueName("billing"));

        // The service appends all along (one append at a time, so each stream's commit order is known) while the relays send and die.
        var options = new PostgresStoreOptions { ConnectionString = database.ConnectionString, Schema = schema, OutboxPartitions = 6, Serializer = new JsonEventSerializer(new EventTypeRegistry([]).Add("RelayEvent", 1, RelayJsonContext.Default.RelayEvent)) };
        options.Outbox.Include("RelayEvent");
        var committed = new List<RelayEvent>();
        await using var store = new PostgresEventStore(options);
        await store.EnsureCreatedAsync();
        using var stopAppending = new CancellationTokenSource();
        Task appending = Task.Run(async () =>
        {
            for (int i = 0; !stopAppending.IsCancellationRequested || i < MinimumEvents; i++)
            {
                var @event = new RelayEvent($"{run}-order-{i % 12}", i);
                await store.AppendAsync(@event.StreamId, [new EventToAppend(@event)], ExpectedVersion.Any);
                lock (committed)
                {
                    committed.Add(@event);
                }
            }
        });

        int seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        var relays = new Process[Relays];
        for (int i = 0; i < Relays; i++)
        {
            relays[i] = await StartRelayAsync(database.ConnectionString, schema, broker.Uri, exchange);
        }

        for (int kill = 0; kill < Kills; kill++)
        {
            int target = Effects.DistinctInStreams(run) + random.Next(10, 80);
            await Effects.WhenAsync(() => Effects.DistinctInStreams(run) >= target).WaitAsync(TimeSpan.FromMinutes(2));
            int victim = random.Next(Relays);
            relays[victim].Kill();
            await relays[victim].WaitForExitAsync();
            relays[victim].Dispose();
            output.WriteLine($"kill {kill + 1}: relay {victim} after {Effects.DistinctInStreams(run)} handled");
            relays[victim] = await StartRelayAsync(database.ConnectionString, schema, broker.Uri, exchange);
        }

        await stopAppending.CancelAsync();
        await appending;
        Guid[] ids = [.. committed.Select(static e => e.Id)];
        await Effects.WhenAsync(() => ids.All(id => Effects.CountOf(id) > 0)).WaitAsync(TimeSpan.FromMinutes(3));
        foreach (Process relay in relays)
        {
            relay.StandardInput.Close();
            await relay.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            relay.Dispose();
        }

        int lost = ids.Count(id => Effects.CountOf(id) == 0);
        int duplicateEffects = ids.Sum(id => Math.Max(0, Effects.CountOf(id) - 1));
        output.WriteLine($"committed {ids.Length}, received {billing.Endpoint.Received} messages (copies absorbed by the inbox: {billing.Endpoint.Received - ids.Length}), lost {lost}, duplicate effects {duplicateEffects}");
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicateEffects);
        for (int s = 0; s < 12; s++)
        {
            string stream = $"{run}-order-{s}";
            Assert.Equal(committed.Where(e => e.StreamId == stream).Select(static e => e.Number), Effects.NumbersOf(stream));
        }
    }

    private static async Task<Process> StartRelayAsync(string connection, string schema, Uri broker, string exchange)
    {
        string path = typeof(SharedRelayKillTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServicePath").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])[path, "relay-postgres", connection, schema, broker.ToString(), exchange])
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a relay process.");
        _ = process.StandardError.ReadToEndAsync();
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1)) is { } line)
        {
            if (line == "READY")
            {
                return process;
            }
        }

        throw new InvalidOperationException("A relay process ended before it was ready.");
    }
}
