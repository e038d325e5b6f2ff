using EventDriven.Outbox;
using EventDriven.Serialization;
using EventDriven.Sqlite;
using EventDriven.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventDriven.RabbitMQ.Child;

internal static class Roles
{
    public static async Task<int> RelayAsync(string database, Uri broker, string exchange, int total, string prefix)
    {
        var registry = new EventTypeRegistry([]).Add("RelayEvent", 1, RelayJsonContext.Default.RelayEvent);
        var options = new SqliteStoreOptions { DatabasePath = database, Serializer = new JsonEventSerializer(registry) };
        options.Outbox.Include("RelayEvent");
        options.Outbox.BatchSize = 50;
        options.Outbox.MinRetryDelay = TimeSpan.FromMilliseconds(20);
        options.Outbox.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
        await using var store = new SqliteEventStore(options);
        await using var outbox = new SqliteOutbox(options);
        await using var transport = new RabbitMqOutboxTransport(new RabbitMqOptions { Uri = broker, Exchange = exchange });
        var relay = new OutboxRelay(outbox, transport, options.Outbox);
        using var stop = new CancellationTokenSource();
        Task relaying = relay.RunAsync(stop.Token);
        Console.WriteLine("READY");

        for (long next = await store.GetLastPositionAsync(); next < total; next++)
        {
            var @event = new RelayEvent($"{prefix}-order-{next % 8}", next);
            await store.AppendAsync(@event.StreamId, [new EventToAppend(@event)], ExpectedVersion.Any);
        }

        // Everything is appended: stop the background relay and drain what is left here, so DONE means the outbox is empty.
        await stop.CancelAsync();
        await relaying;
        while (true)
        {
            try
            {
                if (!await relay.RelayOnceAsync(default))
                {
                    break;
                }
            }
            catch (Exception exception) when (exception is OutboxSendException or RabbitMqUnavailableException)
            {
                await Task.Delay(options.Outbox.MinRetryDelay); // the relay's own back-off, as RunAsync would
            }
        }

        Console.WriteLine("DONE");
        return 0;
    }

    public static async Task<int> RelayPostgresAsync(string connection, string schema, Uri broker, string exchange)
    {
        var options = new EventDriven.PostgreSql.PostgresStoreOptions { ConnectionString = connection, Schema = schema };
        options.Outbox.Include("RelayEvent");
        options.Outbox.BatchSize = 50;
        options.Outbox.PollInterval = TimeSpan.FromMilliseconds(200);
        options.Outbox.MinRetryDelay = TimeSpan.FromMilliseconds(20);
        options.Outbox.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
        await using var outbox = new EventDriven.PostgreSql.PostgresOutbox(options) { RebalanceInterval = TimeSpan.FromMilliseconds(100) };
        await using var transport = new RabbitMqOutboxTransport(new RabbitMqOptions { Uri = broker, Exchange = exchange });
        var relay = new OutboxRelay(outbox, transport, options.Outbox);
        using var stop = new CancellationTokenSource();
        Task relaying = relay.RunAsync(stop.Token);
        Console.WriteLine("READY");
        await Console.In.ReadLineAsync();
        await stop.CancelAsync();
        await relaying;
        return 0;
    }

    public static async Task<int> ConsumeAsync(string database, Uri broker, string exchange, string queue, int total)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddEventDriven();
        builder.Services.AddEventDrivenSqlite(database);
        builder.Services.AddEventDrivenRabbitMQ(o =>
        {
            o.Uri = broker;
            o.Exchange = exchange;
            o.Endpoint = queue;
            o.PrefetchCount = 64;
        });
        builder.Services.AddSingleton(new EffectsTarget(total));
        using IHost host = builder.Build();
        // Resolving the inbox creates the EventDriven tables; the effects table beside them is the handler's own.
        _ = host.Services.GetRequiredService<SqliteInbox>();
        long already;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString()))
        {
            connection.Open();
            using SqliteCommand create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE IF NOT EXISTS effects (event_id BLOB PRIMARY KEY, stream TEXT NOT NULL, number INTEGER NOT NULL); SELECT count(*) FROM effects";
            already = (long)create.ExecuteScalar()!;
        }

        host.Services.GetRequiredService<EffectsTarget>().Recorded(already);
        await host.StartAsync();
        await host.Services.GetRequiredService<RabbitMqEndpoint>().Ready;
        Console.WriteLine("READY");
        await host.Services.GetRequiredService<EffectsTarget>().Reached;
        await host.StopAsync();
        Console.WriteLine("DONE");
        return 0;
    }
}

/// <summary>How many effects the consumer waits for before it exits.</summary>
internal sealed class EffectsTarget(int total)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => _reached.Task;

    /// <summary>Called with the count of effects in the table after each new one.</summary>
    public void Recorded(long count)
    {
        if (count >= total)
        {
            _reached.TrySetResult();
        }
    }
}

/// <summary>
/// The consumer's handler: the effect (a row of <c>effects</c>) and the inbox record commit in one transaction
/// (<see cref="SqliteInbox.ExecuteOnceAsync"/>), so a redelivered or copied event has no second effect even across a SIGKILL.
/// </summary>
[EventHandler]
internal sealed class RelayEffect(SqliteInbox inbox, EffectsTarget target) : IEventHandler<RelayEvent>
{
    public async ValueTask HandleAsync(RelayEvent @event, CancellationToken cancellationToken = default)
    {
        long count = 0;
        bool recorded = await inbox.ExecuteOnceAsync(nameof(RelayEffect), @event.Id, (connection, transaction, _) =>
        {
            using SqliteCommand insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO effects (event_id, stream, number) VALUES ($id, $stream, $number); SELECT count(*) FROM effects";
            insert.Parameters.AddWithValue("$id", @event.Id.ToByteArray());
            insert.Parameters.AddWithValue("$stream", @event.StreamId);
            insert.Parameters.AddWithValue("$number", @event.Number);
            count = (long)insert.ExecuteScalar()!;
            return ValueTask.CompletedTask;
        }, cancellationToken);
        if (recorded)
        {
            Console.WriteLine($"E {@event.Number}");
            target.Recorded(count);
        }
    }
}
