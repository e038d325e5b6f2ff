using ECommerce.Inventory;
using ECommerce.Payments;
using ECommerce.Simulation;
using EventDriven.Outbox;
using EventDriven.RabbitMQ;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ECommerce.Distributed;

/// <summary>
/// The main of one service process (<c>ECommerce service payments …</c>): opens the service's database, rebuilds the service's state
/// from it (a restart after a kill resumes where the store says), starts the bus, the outbox relay and the queue's consumer, prints
/// <c>READY</c>, reports <see cref="ServiceStats"/> lines, and stops cleanly when its standard input closes (the driver's stop) or it
/// gets SIGTERM. A SIGKILL is survived by the store, the outbox and the broker: nothing acknowledged is lost.
/// </summary>
public static class ServiceHost
{
    /// <summary>Runs <paramref name="service"/> on <paramref name="databasePath"/> until told to stop; returns the exit code.</summary>
    /// <param name="service">The service to run.</param>
    /// <param name="settings">What every process of the run agrees on.</param>
    /// <param name="databasePath">This process's own SQLite database, or its PostgreSQL schema with <see cref="DistributedSettings.Postgres"/> (kept across its restarts).</param>
    /// <param name="providerBooks">The payment provider's books, shared by the Payments processes.</param>
    /// <param name="output">Where READY, the stats lines and STOPPED go.</param>
    /// <param name="input">Closing it stops the service.</param>
    public static async Task<int> RunAsync(ShopService service, DistributedSettings settings, string databasePath, string providerBooks, TextWriter output, TextReader input)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(input);
        if (settings.Postgres is null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        }

        var catalog = ShopCatalog.Create(settings.Orders);
        ServiceCollection services = [];
        using SqlitePaymentBooks? books = ReferenceEquals(service, ShopService.Payments) ? new SqlitePaymentBooks(providerBooks) : null;
        services.AddSingleton(catalog).AddSingleton(new StockLevels(catalog)).AddSingleton(new PaymentGateway(settings.TransientFailureRate, books));
        services.AddShopService(service, settings, databasePath);
        await using ServiceProvider provider = services.BuildServiceProvider();
        await RestoreAsync(provider, service).ConfigureAwait(false);

        IHostedService[] hosted = [.. provider.GetServices<IHostedService>()];
        foreach (IHostedService part in hosted)
        {
            await part.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }

        RabbitMqEndpoint endpoint = provider.GetRequiredService<RabbitMqEndpoint>();
        await endpoint.Ready.ConfigureAwait(false);
        output.WriteLine("READY");
        output.Flush();

        using var stop = new CancellationTokenSource();
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        Task stdinClosed = Task.Run(async () =>
        {
            while (await input.ReadLineAsync().ConfigureAwait(false) is not null)
            {
            }

            await stop.CancelAsync().ConfigureAwait(false);
        });

        IOutboxSource? outbox = provider.GetService<IOutboxSource>();
        OutboxRelay? relay = outbox is null ? null : provider.GetRequiredService<OutboxRelay>();
        while (!stop.IsCancellationRequested)
        {
            await ReportAsync(output, endpoint, outbox, relay).ConfigureAwait(false);
            try
            {
                await Task.Delay(ServiceStats.Interval, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        for (int i = hosted.Length - 1; i >= 0; i--)
        {
            await hosted[i].StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await ReportAsync(output, endpoint, outbox, relay).ConfigureAwait(false);
        output.WriteLine("STOPPED");
        output.Flush();
        return 0;
    }

    /// <summary>Rebuilds the in-memory state of <paramref name="service"/> from its own store: its history is the truth after a kill.</summary>
    private static async Task RestoreAsync(IServiceProvider provider, ShopService service)
    {
        // Only Inventory keeps state in memory (Payments' is the provider's books, Orders' the saga store).
        if (!ReferenceEquals(service, ShopService.Inventory))
        {
            return;
        }

        StockLevels stock = provider.GetRequiredService<StockLevels>();
        IEventStore store = provider.GetRequiredService<IEventStore>();
        await foreach (StoredEvent stored in store.ReadAllAsync(0).ConfigureAwait(false))
        {
            stock.Replay(store.Serializer.Deserialize(stored));
        }
    }

    private static async Task ReportAsync(TextWriter output, RabbitMqEndpoint endpoint, IOutboxSource? outbox, OutboxRelay? relay)
    {
        long pending = outbox is null ? 0 : await outbox.CountPendingAsync(CancellationToken.None).ConfigureAwait(false);
        var stats = new ServiceStats(endpoint.Received, endpoint.Redelivered, endpoint.Acknowledged, endpoint.Requeued, endpoint.DeadLettered, pending, relay?.Sent ?? 0);
        output.WriteLine(stats.ToLine());
        output.Flush();
    }
}
