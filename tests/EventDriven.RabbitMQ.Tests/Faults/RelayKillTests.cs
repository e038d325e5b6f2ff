using System.Diagnostics;
using System.Reflection;
using EventDriven.RabbitMQ.Child;
using EventDriven.RabbitMQ.Tests.Fixtures;
using EventDriven.Serialization;
using EventDriven.Sqlite;
using EventDriven.Store;
using Xunit.Abstractions;

namespace EventDriven.RabbitMQ.Tests.Faults;

/// <summary>
/// The relaying service is a real process, SIGKILLed ten times at random moments while it appends and relays: every event its store
/// committed reaches the other service (0 lost), and the copies a killed relay sends again have no second effect (0 duplicates).
/// </summary>
public sealed class RelayKillTests(ITestOutputHelper output)
{
    private const int Events = 1200;
    private const int Kills = 10;

    [Fact]
    public async Task RelayingProcess_KilledTenTimesMidStream_NothingLost_NoDuplicateEffect()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        await using Service billing = await Service.StartAsync(broker.Uri, exchange, Service.UniqueName("billing"));
        string run = Guid.NewGuid().ToString("N")[..8];
        string folder = Path.Combine(Path.GetTempPath(), "eventdriven-rmq-tests", run);
        Directory.CreateDirectory(folder);
        string database = Path.Combine(folder, "relay.db");
        int seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");

        for (int kill = 0; kill < Kills; kill++)
        {
            using Process child = StartRelay(database, broker.Uri, exchange, run);
            await WaitForLineAsync(child, "READY");
            int target = Effects.DistinctInStreams(run) + random.Next(10, 90);
            Task moreHandled = Effects.WhenAsync(() => Effects.DistinctInStreams(run) >= target);
            Task exited = child.WaitForExitAsync();
            if (await Task.WhenAny(moreHandled, exited).WaitAsync(TimeSpan.FromMinutes(2)) == exited)
            {
                break; // finished before this kill: nothing left to kill
            }

            child.Kill();
            await child.WaitForExitAsync();
            output.WriteLine($"kill {kill + 1} after {Effects.DistinctInStreams(run)} handled");
        }

        using (Process last = StartRelay(database, broker.Uri, exchange, run))
        {
            await last.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.Equal(0, last.ExitCode);
        }

        // The truth is what the relaying service's store committed (an append killed before its acknowledgement may have committed).
        List<StoredEvent> stored = await ReadStoreAsync(database);
        Assert.Equal(Events, stored.Count);
        Guid[] committed = [.. stored.Select(static e => e.EventId)];
        await Effects.WhenAsync(() => committed.All(id => Effects.CountOf(id) > 0)).WaitAsync(TimeSpan.FromMinutes(2));

        int lost = committed.Count(id => Effects.CountOf(id) == 0);
        int duplicateEffects = committed.Sum(id => Math.Max(0, Effects.CountOf(id) - 1));
        output.WriteLine($"stored {stored.Count}, received {billing.Endpoint.Received} messages (copies absorbed by the inbox: {billing.Endpoint.Received - stored.Count}), lost {lost}, duplicate effects {duplicateEffects}");
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicateEffects);
        Directory.Delete(folder, recursive: true);
    }

    private static Process StartRelay(string database, Uri broker, string exchange, string run)
    {
        string path = typeof(RelayKillTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServicePath").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])[path, "relay", database, broker.ToString(), exchange, Events.ToString(System.Globalization.CultureInfo.InvariantCulture), run])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the relay process.");
    }

    private static async Task WaitForLineAsync(Process process, string expected)
    {
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)) is { } line)
        {
            if (line == expected)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The relay process ended before saying {expected}: {await process.StandardError.ReadToEndAsync()}");
    }

    private static async Task<List<StoredEvent>> ReadStoreAsync(string database)
    {
        var registry = new EventTypeRegistry([]).Add("RelayEvent", 1, RelayJsonContext.Default.RelayEvent);
        await using var store = new SqliteEventStore(new SqliteStoreOptions { DatabasePath = database, Serializer = new JsonEventSerializer(registry) });
        var stored = new List<StoredEvent>();
        await foreach (StoredEvent e in store.ReadAllAsync())
        {
            stored.Add(e);
        }

        return stored;
    }
}
