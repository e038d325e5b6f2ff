using EventDriven.Outbox;
using EventDriven.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace EventDriven.RabbitMQ.Tests.Fixtures;

/// <summary>
/// One service of the tests as an application would run it: a generic host with the bus, a SQLite file of its own (store, inbox,
/// outbox) and the RabbitMQ transport; an endpoint when it consumes. Disposing stops it and deletes its file.
/// </summary>
public sealed class Service : IAsyncDisposable
{
    private readonly string _folder;

    private Service(IHost host, string folder)
    {
        Host = host;
        _folder = folder;
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public SqliteEventStore Store => Services.GetRequiredService<SqliteEventStore>();

    public IEventBus Bus => Services.GetRequiredService<IEventBus>();

    public RabbitMqEndpoint Endpoint => Services.GetRequiredService<RabbitMqEndpoint>();

    public OutboxRelay Relay => Services.GetRequiredService<OutboxRelay>();

    /// <summary>The outbox as the relay sees it, with what it did counted (only when the service sends).</summary>
    public ObservedOutbox Outbox => (ObservedOutbox)Services.GetRequiredService<IOutboxSource>();

    public string DatabasePath => Path.Combine(_folder, "service.db");

    /// <summary>Starts a service; <paramref name="endpoint"/> null: it only publishes.</summary>
    public static async Task<Service> StartAsync(Uri broker, string exchange, string? endpoint, Action<OutboxOptions>? outbox = null, Action<RabbitMqOptions>? transport = null, Action<EventDrivenOptions>? bus = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "eventdriven-rmq-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddEventDriven(o => bus?.Invoke(o));
        builder.Services.AddEventDrivenSqlite(Path.Combine(folder, "service.db"), o =>
        {
            o.Synchronous = SqliteSynchronous.Normal;
            o.Outbox.MinRetryDelay = TimeSpan.FromMilliseconds(20);
            o.Outbox.MaxRetryDelay = TimeSpan.FromMilliseconds(500);
            outbox?.Invoke(o.Outbox);
        });
        // The relay reads the outbox through an observer, so tests wait for exactly what it did.
        if (builder.Services.Any(static d => d.ServiceType == typeof(IOutboxSource)))
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<IOutboxSource>(static sp => new ObservedOutbox(sp.GetRequiredService<SqliteOutbox>())));
        }

        builder.Services.AddEventDrivenRabbitMQ(o =>
        {
            o.Uri = broker;
            o.Exchange = exchange;
            o.Endpoint = endpoint;
            o.MinReconnectDelay = TimeSpan.FromMilliseconds(50);
            o.MaxReconnectDelay = TimeSpan.FromMilliseconds(500);
            transport?.Invoke(o);
        });
        IHost host = builder.Build();
        await host.StartAsync();
        var service = new Service(host, folder);
        if (endpoint is not null)
        {
            await service.Endpoint.Ready.WaitAsync(TimeSpan.FromMinutes(2));
        }

        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        if (Host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            Host.Dispose();
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A handle still open; the OS temp cleaner takes it.
        }
    }

    /// <summary>A name no other test uses, for an exchange or a queue.</summary>
    public static string UniqueName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}
