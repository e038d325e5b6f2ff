using System.Diagnostics;
using System.Reflection;
using EventDriven.RabbitMQ.Child;
using EventDriven.RabbitMQ.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace EventDriven.RabbitMQ.Tests.Faults;

/// <summary>
/// The consuming service is a real process, SIGKILLed five times mid-batch (up to 64 messages unacknowledged in its hands): the
/// broker redelivers what it had not acknowledged, nothing is lost, and no event has a second effect (the handler's effect and its
/// inbox record commit in one transaction).
/// </summary>
public sealed class ConsumerKillTests(ITestOutputHelper output)
{
    private const int Events = 1000;
    private const int Kills = 5;

    [Fact]
    public async Task ConsumingProcess_KilledFiveTimesMidBatch_EverythingRedelivered_NoEffectTwice()
    {
        RabbitMqServer broker = await RabbitMqServer.SharedAsync();
        string exchange = Service.UniqueName("shop");
        string queue = Service.UniqueName("billing");
        string run = Guid.NewGuid().ToString("N")[..8];
        string folder = Path.Combine(Path.GetTempPath(), "eventdriven-rmq-tests", run);
        Directory.CreateDirectory(folder);
        string database = Path.Combine(folder, "consumer.db");
        int seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");

        // The first consumer declares the queue and its bindings; then the orders service sends everything.
        var child = new Child(StartConsumer(database, broker.Uri, exchange, queue));
        await child.WaitForAsync("READY");
        await using Service orders = await Service.StartAsync(broker.Uri, exchange, endpoint: null, o => o.Include("RelayEvent"));
        var sent = new List<Guid>();
        for (int i = 0; i < Events; i++)
        {
            var @event = new RelayEvent($"{run}-order-{i % 8}", i);
            await orders.Store.AppendAsync(@event.StreamId, [new EventToAppend(@event)], ExpectedVersion.Any);
            sent.Add(@event.Id);
        }

        for (int kill = 0; kill < Kills; kill++)
        {
            int target = child.Effects + random.Next(20, 150);
            if (!await child.WaitForEffectsAsync(target))
            {
                break; // finished before this kill
            }

            child.Process.Kill();
            await child.Process.WaitForExitAsync();
            output.WriteLine($"kill {kill + 1} after {child.Effects} effects in that process");
            child.Process.Dispose();
            child = new Child(StartConsumer(database, broker.Uri, exchange, queue));
            await child.WaitForAsync("READY");
        }

        await child.WaitForAsync("DONE");
        await child.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, child.Process.ExitCode);
        child.Process.Dispose();

        List<Guid> effects = ReadEffects(database);
        output.WriteLine($"sent {sent.Count}, effects {effects.Count}, distinct {effects.Distinct().Count()}");
        Assert.Equal(sent.Order(), effects.Order()); // every event once: none lost, none twice
        Directory.Delete(folder, recursive: true);
    }

    private static List<Guid> ReadEffects(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        using SqliteCommand read = connection.CreateCommand();
        read.CommandText = "SELECT event_id FROM effects";
        var ids = new List<Guid>();
        using SqliteDataReader reader = read.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(new Guid((byte[])reader.GetValue(0)));
        }

        return ids;
    }

    private static Process StartConsumer(string database, Uri broker, string exchange, string queue)
    {
        string path = typeof(ConsumerKillTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServicePath").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])[path, "consume", database, broker.ToString(), exchange, queue, Events.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the consumer process.");
    }

    /// <summary>A consumer process and what it printed: READY, one line per effect, DONE.</summary>
    private sealed class Child
    {
        private readonly Lock _gate = new();
        private readonly List<(Func<bool> Condition, TaskCompletionSource Reached)> _waiters = [];
        private readonly HashSet<string> _said = [];
        private bool _ended;

        public Child(Process process)
        {
            Process = process;
            _ = Task.Run(ReadAsync);
            _ = process.StandardError.ReadToEndAsync();
        }

        public Process Process { get; }

        public int Effects { get; private set; }

        public Task WaitForAsync(string line) => WhenAsync(() => _said.Contains(line)).WaitAsync(TimeSpan.FromMinutes(2));

        /// <summary>True once <paramref name="count"/> effects were printed; false if the process said DONE or ended first.</summary>
        public async Task<bool> WaitForEffectsAsync(int count)
        {
            await WhenAsync(() => Effects >= count || _ended || _said.Contains("DONE")).WaitAsync(TimeSpan.FromMinutes(2));
            return Effects >= count;
        }

        private Task WhenAsync(Func<bool> condition)
        {
            lock (_gate)
            {
                if (condition())
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((condition, reached));
                return reached.Task;
            }
        }

        private async Task ReadAsync()
        {
            while (await Process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_gate)
                {
                    if (line.StartsWith("E ", StringComparison.Ordinal))
                    {
                        Effects++;
                    }
                    else
                    {
                        _said.Add(line);
                    }

                    Release();
                }
            }

            lock (_gate)
            {
                _ended = true;
                Release();
            }
        }

        private void Release()
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition())
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
