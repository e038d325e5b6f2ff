using System.Diagnostics;
using System.Globalization;
using ECommerce.Audit;
using ECommerce.Inventory;
using ECommerce.Invariants;
using ECommerce.Orders;
using ECommerce.Payments;
using ECommerce.Reporting;
using ECommerce.Simulation;
using EventDriven;
using EventDriven.Sagas;
using EventDriven.Store;
using EventDriven.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ECommerce.Cli;

/// <summary>
/// The main job: opens the shop (services, bus, event store), lets the customers place their orders, waits for every order's
/// outcome, stops the bus, then reports and checks the invariants against the services' state and the store.
/// </summary>
public static class ShopJob
{
    /// <summary>Runs the shop once with <paramref name="options"/>, writing progress and the summary to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static async Task<ShopJobResult> RunAsync(ShopJobOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.Validate();
        string? databasePath = options.PostgresConnectionString is null ? PrepareDatabase(options) : null;
        if (options.PostgresConnectionString is { } postgres && !options.Keep)
        {
            await PostgresShop.DropSchemaAsync(postgres, cancellationToken).ConfigureAwait(false);
        }

        var catalog = ShopCatalog.Create(options.Orders);
        var stock = new StockLevels(catalog);
        var gateway = new PaymentGateway(options.TransientFailureRate) { BeforeIssuerAnswers = options.BeforeIssuerAnswers };
        var book = new OrderBook();
        var monitor = new RunMonitor(options.Orders, options.Customers);
        using var meterFactory = new RunMeterFactory();
        using var metrics = new BusMetrics(meterFactory);

        ServiceCollection services = [];
        services.AddSingleton<System.Diagnostics.Metrics.IMeterFactory>(meterFactory);
        if (options.Time is { } time)
        {
            services.AddSingleton(time);
        }

        services.AddSingleton(catalog).AddSingleton(stock).AddSingleton(gateway).AddSingleton(book).AddSingleton(monitor);
        if (options.PostgresConnectionString is { } server)
        {
            services.AddEventDrivenPostgres(server, o => o.Schema = ShopJobOptions.PostgresSchema);
        }
        else if (databasePath is null)
        {
            services.AddSingleton<IEventStore>(new InMemoryEventStore());
            services.AddSingleton<ISagaStore>(new InMemorySagaStore());
        }
        else
        {
            services.AddEventDrivenSqlite(databasePath);
        }

        services.AddEventDriven(o =>
        {
            o.DispatchMode = options.DispatchMode;
            o.EventStorage = EventStorage.BeforeDispatch;
            // The payment provider drops connections now and then; charging is idempotent by payment id, so retrying is safe.
            o.SetRetryPolicy<ChargeCustomer>(new RetryPolicy(MaxRetries: 3, InitialBackoff: TimeSpan.Zero));
            o.StopTimeout = TimeSpan.FromMinutes(1);
        });

        // The order saga: state per order in the saga store (the same SQLite file), payment timeout armed at each reservation.
        services.AddSaga<OrderSaga, OrderSagaState>(OrderSagaJson.Default.OrderSagaState, saga => OrderSaga.Define(saga, options.PaymentTimeout));

        await using ServiceProvider provider = services.BuildServiceProvider();
        IEventStore store = provider.GetRequiredService<IEventStore>();
        long startPosition = await store.GetLastPositionAsync(cancellationToken).ConfigureAwait(false);
        WriteHeader(output, options, databasePath);

        IHostedService[] hosted = [.. provider.GetServices<IHostedService>()];
        foreach (IHostedService service in hosted)
        {
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        using var progressStop = new CancellationTokenSource();
        Task progress = options.Progress
            ? new ProgressReporter(monitor, metrics, options.Orders, output, options.InteractiveProgress).RunAsync(progressStop.Token)
            : Task.CompletedTask;

        long started = Stopwatch.GetTimestamp();
        var bus = (EventBus)provider.GetRequiredService<IEventBus>();
        var clock = new ShopClock(bus, options.PaymentTimeout, options.AdvanceTime);
        var simulator = new CustomerSimulator(bus, catalog, monitor, options.Mix, options.Seed, clock);
        await simulator.PlaceOrdersAsync(options.Orders, cancellationToken).ConfigureAwait(false);
        // Every order is placed, so no customer publishes any more: a quiet ring means the open orders wait for their timeouts.
        bool allFinished = await monitor.WaitForAllAsync(options.Orders, options.StallTimeout, clock.DrivesTime ? ShopClock.Poll : TimeSpan.FromMilliseconds(5), clock.AdvanceIfQuiet, cancellationToken).ConfigureAwait(false);
        for (int i = hosted.Length - 1; i >= 0; i--)
        {
            await hosted[i].StopAsync(cancellationToken).ConfigureAwait(false);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        await progressStop.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);
        if (!allFinished)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stalled: no order finished for {options.StallTimeout.TotalSeconds:0} s; {monitor.Finished:N0} of {options.Orders:N0} orders reached a final state."));
        }

        var run = new ShopRun(options, catalog, stock, gateway, book, monitor, metrics, store, startPosition);
        if (options.BeforeInvariantChecks is { } sabotage)
        {
            await sabotage(run).ConfigureAwait(false);
        }

        StoreCensus census = await StoreCensus.TakeAsync(store, startPosition, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<InvariantResult> invariants = ShopInvariants.Check(run, census);
        string? mermaidPath = await WriteFlowDiagramAsync(databasePath, cancellationToken).ConfigureAwait(false);
        var result = new ShopJobResult(run, invariants, elapsed, mermaidPath);

        (string? title, IReadOnlyList<string> trail) = await AuditTrail.ReadMostInstructiveAsync(run.Store, run.Book, cancellationToken).ConfigureAwait(false);
        RunSummary.Write(output, result, trail, title);
        return result;
    }

    /// <summary>Deletes the database (and its WAL companions) unless the run keeps it; null means the in-memory store.</summary>
    private static string? PrepareDatabase(ShopJobOptions options)
    {
        if (options.DatabasePath is not { } path)
        {
            return null;
        }

        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (!options.Keep)
        {
            foreach (string file in (string[])[full, full + "-wal", full + "-shm"])
            {
                File.Delete(file);
            }
        }

        return full;
    }

    private static void WriteHeader(TextWriter output, ShopJobOptions options, string? databasePath)
    {
        OrderMix mix = options.Mix;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EventDriven e-commerce: {options.Orders:N0} orders from {options.Customers:N0} customers shopping at once, seed {options.Seed}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failure mix  {mix.Invalid:P1} invalid, {mix.OutOfStock:P1} out of stock, {mix.Declined:P1} declined, {mix.PaymentTimeout:P1} payment timeouts, {options.TransientFailureRate:P1} transient payment errors"));
        output.WriteLine(options.PostgresConnectionString is { } postgres
            ? $"event store  PostgreSQL {PostgresShop.Describe(postgres)}, schema '{ShopJobOptions.PostgresSchema}' (group commit, commit-ordered positions{(options.Keep ? ", kept from earlier runs" : ", recreated")})"
            : databasePath is null
            ? "event store  in memory"
            : $"event store  SQLite {databasePath} (WAL, synchronous=FULL, group commit{(options.Keep ? ", kept from earlier runs" : ", recreated")})");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dispatch     {options.DispatchMode}, every event stored before it is handled"));
        output.Flush();
    }

    private static async Task<string?> WriteFlowDiagramAsync(string? databasePath, CancellationToken cancellationToken)
    {
        if (databasePath is null)
        {
            return null;
        }

        string path = Path.Combine(Path.GetDirectoryName(databasePath)!, Path.GetFileNameWithoutExtension(databasePath) + "-flow.mmd");
        await File.WriteAllTextAsync(path, EventTopology.Current.ToMermaid(), cancellationToken).ConfigureAwait(false);
        return path;
    }
}
