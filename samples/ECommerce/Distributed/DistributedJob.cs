using System.Diagnostics;
using System.Globalization;
using ECommerce.Inventory;
using ECommerce.Invariants;
using ECommerce.Orders;
using ECommerce.Payments;
using ECommerce.Reporting;
using ECommerce.Simulation;
using EventDriven;
using EventDriven.Outbox;
using EventDriven.RabbitMQ;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace ECommerce.Distributed;

/// <summary>
/// The main job as the seed draws it (<c>--distributed</c>): Orders, Inventory, Payments, Notifications and Audit each run as a process
/// of their own with their own SQLite database, talking only through events over RabbitMQ (outbox out, inbox in). This process is the
/// shop front: its customers place the orders and wait for their outcomes. With <c>--chaos</c> service processes are SIGKILLed and
/// restarted during the run. At the end every process is stopped and the invariants are checked across the services' databases.
/// </summary>
public static class DistributedJob
{
    private static readonly TimeSpan QuietPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs the distributed shop once, writing progress and the summary to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static async Task<DistributedResult> RunAsync(DistributedJobOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.Validate();
        long runStarted = Stopwatch.GetTimestamp();
        string directory = Path.GetFullPath(options.Directory);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        await using ThrowawayRabbitMq? ownBroker = options.RabbitMq is null ? await ThrowawayRabbitMq.StartAsync(cancellationToken).ConfigureAwait(false) : null;
        var settings = new DistributedSettings
        {
            Broker = options.RabbitMq ?? ownBroker!.Uri,
            Exchange = "ecommerce-" + Guid.NewGuid().ToString("N")[..8],
            Orders = options.Orders,
            PaymentTimeout = options.PaymentTimeout,
            TransientFailureRate = options.TransientFailureRate,
            Postgres = options.Postgres,
        };
        string providerBooksPath = Path.Combine(directory, "payment-provider.db");
        List<ServiceProcess> processes = [];
        foreach (ShopService service in ShopService.Processes)
        {
            int instances = ReferenceEquals(service, ShopService.Payments) ? options.PaymentsInstances : 1;
            for (int instance = 1; instance <= instances; instance++)
            {
                string label = instances == 1 ? service.Name : string.Create(CultureInfo.InvariantCulture, $"{service.Name}#{instance}");
                string database = settings.Postgres is null ? Path.Combine(directory, label.Replace('#', '-') + ".db") : DistributedSettings.SchemaOf(label);
                processes.Add(new ServiceProcess(service, instance, settings, database, providerBooksPath));
            }
        }

        if (settings.Postgres is { } server)
        {
            await DropSchemasAsync(server, [DistributedSettings.SchemaOf(ShopService.Storefront.Name), .. processes.Select(static p => p.DatabasePath)], cancellationToken).ConfigureAwait(false);
        }

        try
        {
            WriteHeader(output, options, settings, processes, directory);
            await Task.WhenAll(processes.Select(p => p.StartAsync(cancellationToken))).ConfigureAwait(false);
            return await RunStorefrontAsync(options, settings, processes, directory, providerBooksPath, runStarted, output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (ServiceProcess process in processes)
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<DistributedResult> RunStorefrontAsync(
        DistributedJobOptions options, DistributedSettings settings, List<ServiceProcess> processes, string directory, string providerBooksPath, long runStarted, TextWriter output, CancellationToken cancellationToken)
    {
        var catalog = ShopCatalog.Create(options.Orders);
        var book = new OrderBook();
        var monitor = new RunMonitor(options.Orders, options.Customers);
        using var meterFactory = new RunMeterFactory();
        using var metrics = new BusMetrics(meterFactory);
        string storefrontDatabase = settings.Postgres is null ? Path.Combine(directory, ShopService.Storefront.Name + ".db") : DistributedSettings.SchemaOf(ShopService.Storefront.Name);
        ServiceCollection services = [];
        services.AddSingleton<System.Diagnostics.Metrics.IMeterFactory>(meterFactory);
        services.AddSingleton(catalog).AddSingleton(book).AddSingleton(monitor);
        services.AddShopService(ShopService.Storefront, settings, storefrontDatabase);
        ServiceProvider provider = services.BuildServiceProvider();
        IHostedService[] hosted = [.. provider.GetServices<IHostedService>()];
        try
        {
            foreach (IHostedService part in hosted)
            {
                await part.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            RabbitMqEndpoint endpoint = provider.GetRequiredService<RabbitMqEndpoint>();
            await endpoint.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            TimeSpan startup = Stopwatch.GetElapsedTime(runStarted);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"started      {processes.Count} service processes and the shop front in {startup.TotalSeconds:0.0} s"));
            output.Flush();

            using var progressStop = new CancellationTokenSource();
            Task progress = options.Progress
                ? new DistributedProgress(monitor, processes, settings.Broker, options.Orders, output, options.InteractiveProgress).RunAsync(progressStop.Token)
                : Task.CompletedTask;
            using var chaosStop = new CancellationTokenSource();
            ChaosMonkey? chaos = options.Chaos ? new ChaosMonkey(processes, monitor, options.Orders, options.KillCount, options.Seed) : null;
            Task chaosRun = chaos?.RunAsync(runStarted, chaosStop.Token) ?? Task.CompletedTask;

            long started = Stopwatch.GetTimestamp();
            var bus = provider.GetRequiredService<IEventBus>();
            var simulator = new CustomerSimulator(bus, catalog, monitor, options.Mix, options.Seed);
            await simulator.PlaceOrdersAsync(options.Orders, cancellationToken).ConfigureAwait(false);
            bool allFinished = await monitor.WaitForAllAsync(options.Orders, options.StallTimeout, TimeSpan.FromMilliseconds(5), beforeEachLook: null, cancellationToken).ConfigureAwait(false);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);

            // Every kill point lies before the last order finished, but a kill's restart takes a second or so: the kills still
            // pending then hit the tail of the run (notifications, refunds, the audit's copies), which must survive them too.
            if (!allFinished)
            {
                await chaosStop.CancelAsync().ConfigureAwait(false);
            }

            try
            {
                await chaosRun.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (chaosStop.IsCancellationRequested)
            {
            }

            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            if (!allFinished)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stalled: no order finished for {options.StallTimeout.TotalSeconds:0} s; {monitor.Finished:N0} of {options.Orders:N0} orders reached a final state."));
            }

            // The last messages (notifications, refunds, the audit's copies) are still on their way: wait until nothing moves.
            IOutboxSource storefrontOutbox = provider.GetRequiredService<IOutboxSource>();
            bool quiet = await WaitUntilQuietAsync(settings.Broker, processes, endpoint, storefrontOutbox, cancellationToken).ConfigureAwait(false);
            (Dictionary<string, uint> queues, Dictionary<string, uint> deadLetters) = await CountQueuesAsync(settings.Broker, processes, cancellationToken).ConfigureAwait(false);
            long outboxes = await storefrontOutbox.CountPendingAsync(cancellationToken).ConfigureAwait(false) + processes.Sum(static p => p.Current.OutboxPending);
            long inFlight = (endpoint.Received - endpoint.Acknowledged - endpoint.Requeued) + processes.Sum(static p => p.Current.InFlight);
            if (!quiet)
            {
                output.WriteLine("not quiet: messages were still moving a minute after the last order finished; the invariants below say what is missing.");
            }

            var storefrontStats = new ServiceStats(endpoint.Received, endpoint.Redelivered, endpoint.Acknowledged, endpoint.Requeued, endpoint.DeadLettered, 0, provider.GetRequiredService<OutboxRelay>().Sent);
            for (int i = hosted.Length - 1; i >= 0; i--)
            {
                await hosted[i].StopAsync(cancellationToken).ConfigureAwait(false);
            }

            // Producers first, the audit trail last; each drains what it holds before it exits.
            for (int i = processes.Count - 1; i >= 0; i--)
            {
                await processes[i].StopAsync().ConfigureAwait(false);
            }

            await provider.DisposeAsync().ConfigureAwait(false);

            List<(string Label, ShopService Service, string Path)> databases = [(ShopService.Storefront.Name, ShopService.Storefront, storefrontDatabase), .. processes.Select(static p => (p.Label, p.Service, p.DatabasePath))];
            using var providerBooks = new SqlitePaymentBooks(providerBooksPath);
            DistributedCensus census = await DistributedCensus.TakeAsync(databases, settings.Postgres, catalog, providerBooks, book, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<InvariantResult> invariants =
            [
                ShopInvariants.EveryOrderEndsOnce(monitor.Submitted, monitor.RepeatedFinals, book),
                ShopInvariants.StockMatchesFulfilled(census.Stock, book),
                ShopInvariants.NoMoneyKeptForOrdersNotFulfilled(census.Gateway, book),
                ShopInvariants.StoreHoldsEveryEventOnce(census.PublishedCounts, census.Audit),
                ShopInvariants.ReplayRebuildsTheBook(book, census.Audit),
                DistributedInvariants.AuditTrailIsComplete(census.Published, census.AuditIds),
                DistributedInvariants.NothingLeftBehind(queues, deadLetters, outboxes, inFlight),
            ];

            List<ProcessReport> reports = [new ProcessReport(ShopService.Storefront.Name, 1, storefrontStats, census.Received[ShopService.Storefront.Name])];
            reports.AddRange(processes.Select(p => new ProcessReport(p.Label, p.Starts, p.Stats, census.Received[p.Label])));
            string mermaid = Path.Combine(directory, "distributed-flow.mmd");
            await File.WriteAllTextAsync(mermaid, DistributedTopology.ToMermaid(), cancellationToken).ConfigureAwait(false);
            var result = new DistributedResult(options, monitor, book, census, invariants, elapsed, startup, reports, chaos?.Kills ?? [], mermaid);
            DistributedSummary.Write(output, result);
            return result;
        }
        finally
        {
            await provider.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void WriteHeader(TextWriter output, DistributedJobOptions options, DistributedSettings settings, List<ServiceProcess> processes, string directory)
    {
        OrderMix mix = options.Mix;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EventDriven e-commerce, distributed: {options.Orders:N0} orders from {options.Customers:N0} customers shopping at once, seed {options.Seed}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failure mix  {mix.Invalid:P1} invalid, {mix.OutOfStock:P1} out of stock, {mix.Declined:P1} declined, {mix.PaymentTimeout:P1} payment timeouts, {options.TransientFailureRate:P1} transient payment errors"));
        output.WriteLine(settings.Postgres is { } server
            ? $"services     {string.Join(", ", processes.Select(static p => p.Label))}: a process each, each with its own schema on PostgreSQL {Cli.PostgresShop.Describe(server)}"
            : $"services     {string.Join(", ", processes.Select(static p => p.Label))}: a process each, each with its own SQLite database in {directory}");
        output.WriteLine($"broker       RabbitMQ {settings.Broker.Host}:{settings.Broker.Port}{(options.RabbitMq is null ? " (a throwaway node for this run)" : string.Empty)}, exchange '{settings.Exchange}'; out through each service's outbox, in through its queue");
        output.WriteLine(options.Chaos
            ? string.Create(CultureInfo.InvariantCulture, $"chaos        {options.KillCount} SIGKILLs of randomly chosen service processes during the run, each restarted on its database")
            : "chaos        off (--chaos kills service processes during the run)");
        output.Flush();
    }

    /// <summary>Drops the run's schemas with everything in them: a run starts from empty stores (the tables come back at the first write).</summary>
    private static async Task DropSchemasAsync(string connectionString, IEnumerable<string> schemas, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (string schema in schemas)
        {
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until nothing is left to move: every outbox empty, every queue empty, no delivery being handled, and no process received
    /// anything between two reports (a message between the broker and a consumer shows in neither count, but it is received before
    /// the next report). False after a minute.
    /// </summary>
    private static async Task<bool> WaitUntilQuietAsync(Uri broker, List<ServiceProcess> processes, RabbitMqEndpoint storefront, IOutboxSource storefrontOutbox, CancellationToken cancellationToken)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * 60.0);
        long lastReceived = -1;
        int quietPolls = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            (Dictionary<string, uint> queues, _) = await CountQueuesAsync(broker, processes, cancellationToken).ConfigureAwait(false);
            long received = storefront.Received + processes.Sum(static p => p.Stats.Received);
            bool idle = queues.Values.All(static n => n == 0)
                && await storefrontOutbox.CountPendingAsync(cancellationToken).ConfigureAwait(false) == 0
                && storefront.Received == storefront.Acknowledged + storefront.Requeued
                && processes.All(static p => p.Current is { OutboxPending: 0, InFlight: 0 });
            quietPolls = idle && received == lastReceived ? quietPolls + 1 : 0;
            lastReceived = received;
            if (quietPolls >= 3)
            {
                return true;
            }

            // Two reports of every process fit between polls: a count seen twice unchanged is not a stale line.
            await Task.Delay(ServiceStats.Interval * 2, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Messages ready in each service's queue and in its dead-letter queue, read from the broker.</summary>
    private static async Task<(Dictionary<string, uint> Queues, Dictionary<string, uint> DeadLetters)> CountQueuesAsync(Uri broker, List<ServiceProcess> processes, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = broker, AutomaticRecoveryEnabled = false, ClientProvidedName = "ecommerce driver" };
        await using IConnection connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using IChannel channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var queues = new Dictionary<string, uint>(StringComparer.Ordinal);
        var deadLetters = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (string endpoint in processes.Select(static p => p.Service.Endpoint).Append(ShopService.Storefront.Endpoint).Distinct(StringComparer.Ordinal))
        {
            queues[endpoint] = await channel.MessageCountAsync(endpoint, cancellationToken).ConfigureAwait(false);
            deadLetters[endpoint] = await channel.MessageCountAsync(endpoint + ".dead-letters", cancellationToken).ConfigureAwait(false);
        }

        return (queues, deadLetters);
    }
}

/// <summary>One process of a distributed run, as the summary shows it.</summary>
/// <param name="Label">E.g. <c>payments#2</c>.</param>
/// <param name="Starts">How many times it was started (1 + kills).</param>
/// <param name="Stats">Its counters over every incarnation.</param>
/// <param name="StoredReceived">Distinct received events in its store.</param>
public sealed record ProcessReport(string Label, int Starts, ServiceStats Stats, long StoredReceived)
{
    /// <summary>Deliveries acknowledged beyond the distinct events stored: copies the inbox side absorbed (an at-least-once broker's redeliveries and an outbox's resends after a kill).</summary>
    public long DuplicatesAbsorbed => Math.Max(0, Stats.Acknowledged - Stats.DeadLettered - StoredReceived);
}

/// <summary>The outcome of a distributed run.</summary>
public sealed record DistributedResult(
    DistributedJobOptions Options,
    RunMonitor Monitor,
    OrderBook Book,
    DistributedCensus Census,
    IReadOnlyList<InvariantResult> Invariants,
    TimeSpan Elapsed,
    TimeSpan Startup,
    IReadOnlyList<ProcessReport> Processes,
    IReadOnlyList<ChaosKill> Kills,
    string MermaidPath)
{
    /// <summary>Whether every invariant holds.</summary>
    public bool Passed => Invariants.All(static i => i.Holds);

    /// <summary>The last line of the summary.</summary>
    public string Verdict => Passed ? "invariants: OK" : $"invariants: FAILED ({string.Join(", ", Invariants.Where(static i => !i.Holds).Select(static i => i.Name))})";

    /// <summary>0 when every invariant holds, 1 otherwise.</summary>
    public int ExitCode => Passed ? 0 : 1;
}
