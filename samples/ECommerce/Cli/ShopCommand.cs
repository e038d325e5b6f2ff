using System.CommandLine;
using ECommerce.Simulation;

namespace ECommerce.Cli;

/// <summary>The command line of the main job (System.CommandLine): every option maps onto <see cref="ShopJobOptions"/>.</summary>
public static class ShopCommand
{
    /// <summary>Builds the root command; its action runs the job and returns the exit code.</summary>
    public static RootCommand Create()
    {
        var defaults = new ShopJobOptions();
        OrderMix mix = OrderMix.Realistic;
        Option<int> orders = new("--orders") { Description = "Orders the simulated customers place.", DefaultValueFactory = _ => defaults.Orders };
        Option<int> customers = new("--customers") { Description = "Customers shopping at the same time; each waits for its order's outcome before the next.", DefaultValueFactory = _ => defaults.Customers };
        Option<double> invalid = new("--invalid-rate") { Description = "Share of orders that break a validation rule (rejected).", DefaultValueFactory = _ => mix.Invalid };
        Option<double> outOfStock = new("--out-of-stock-rate") { Description = "Share of orders for a sold-out product (rejected).", DefaultValueFactory = _ => mix.OutOfStock };
        Option<double> decline = new("--decline-rate") { Description = "Share of orders whose card is declined (compensated: stock released, order cancelled, customer notified).", DefaultValueFactory = _ => mix.Declined };
        Option<double> timeout = new("--payment-timeout-rate") { Description = "Share of orders whose card issuer never answers (the saga times out and compensates).", DefaultValueFactory = _ => mix.PaymentTimeout };
        Option<int> timeoutMs = new("--payment-timeout-ms") { Description = "How long the order saga waits for the payment provider before it compensates.", DefaultValueFactory = _ => (int)defaults.PaymentTimeout.TotalMilliseconds };
        Option<double> transient = new("--transient-failure-rate") { Description = "Share of payments whose first attempt fails for a moment (retried by the bus).", DefaultValueFactory = _ => defaults.TransientFailureRate };
        Option<int> seed = new("--seed") { Description = "Seed of the customers' choices: the same seed places the same orders.", DefaultValueFactory = _ => defaults.Seed };
        Option<string> db = new("--db") { Description = "The SQLite database file (recreated unless --keep); the flow diagram is written next to it.", DefaultValueFactory = _ => ShopJobOptions.DefaultDatabasePath };
        Option<bool> inMemory = new("--in-memory") { Description = "Keep events in an in-memory store instead of SQLite: not durable, for comparing the cost of durability." };
        Option<string> postgres = new("--postgres") { Description = "Keep events, inbox, dead letters and saga state on this PostgreSQL server (an Npgsql connection string) instead of SQLite, in the schema 'ecommerce' (dropped first unless --keep)." };
        Option<bool> keep = new("--keep") { Description = "Keep the existing database and add this run's events to it." };
        Option<bool> noProgress = new("--no-progress") { Description = "Print no progress while running, only the summary." };
        Option<bool> distributed = new("--distributed") { Description = "Run every service as a process of its own, each with its own SQLite database, talking only through RabbitMQ (outbox out, inbox in); 20,000 orders unless --orders says otherwise. Starts a throwaway RabbitMQ node (Debian's rabbitmq-server) unless --rabbitmq is given." };
        Option<bool> chaos = new("--chaos") { Description = "With --distributed: SIGKILL randomly chosen service processes during the run (at least 3 times) and restart them on their databases." };
        Option<string> rabbitMq = new("--rabbitmq") { Description = "With --distributed: the broker to use (an amqp:// URI) instead of a throwaway node." };
        Option<int> paymentsInstances = new("--payments-instances") { Description = "With --distributed: Payments processes competing for the Payments queue.", DefaultValueFactory = _ => 1 };

        var command = new RootCommand("The EventDriven e-commerce sample: simulated customers place orders; Orders, Inventory, Payments, Notifications and Audit talk only through events, stored durably in SQLite (or PostgreSQL with --postgres). Ends with the invariants' verdict.")
        {
            orders, customers, invalid, outOfStock, decline, timeout, timeoutMs, transient, seed, db, inMemory, postgres, keep, noProgress,
            distributed, chaos, rabbitMq, paymentsInstances,
        };
        command.Subcommands.Add(ServiceCommand.Create());

        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(distributed))
            {
                return await RunDistributedAsync(result, cancellationToken).ConfigureAwait(false);
            }

            if (result.GetValue(chaos) || result.GetValue(rabbitMq) is not null || result.GetValue(paymentsInstances) != 1)
            {
                await Console.Error.WriteLineAsync("--chaos, --rabbitmq and --payments-instances go with --distributed.").ConfigureAwait(false);
                return 2;
            }

            var options = new ShopJobOptions
            {
                Orders = result.GetValue(orders),
                Customers = result.GetValue(customers),
                Mix = new OrderMix(result.GetValue(invalid), result.GetValue(outOfStock), result.GetValue(decline), result.GetValue(timeout)),
                PaymentTimeout = TimeSpan.FromMilliseconds(result.GetValue(timeoutMs)),
                TransientFailureRate = result.GetValue(transient),
                Seed = result.GetValue(seed),
                DatabasePath = result.GetValue(inMemory) ? null : result.GetValue(db),
                PostgresConnectionString = result.GetValue(postgres),
                Keep = result.GetValue(keep),
                Progress = !result.GetValue(noProgress),
            };

            if (await RefusedAsync(options.Validate).ConfigureAwait(false))
            {
                return 2;
            }

            ShopJobResult outcome = await ShopJob.RunAsync(options, Console.Out, cancellationToken).ConfigureAwait(false);
            return outcome.ExitCode;
        });

        return command;

        // An option out of range: say which on stderr and exit with 2, as System.CommandLine does for a malformed one.
        static async Task<bool> RefusedAsync(Action validate)
        {
            try
            {
                validate();
                return false;
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return true;
            }
        }

        async Task<int> RunDistributedAsync(ParseResult result, CancellationToken cancellationToken)
        {
            Uri? broker = null;
            if (result.GetValue(rabbitMq) is { } given && !Uri.TryCreate(given, UriKind.Absolute, out broker))
            {
                await Console.Error.WriteLineAsync($"--rabbitmq is '{given}', not a URI; e.g. amqp://guest:guest@127.0.0.1:5672/.").ConfigureAwait(false);
                return 2;
            }

            if (result.GetValue(inMemory) || result.GetValue(keep))
            {
                await Console.Error.WriteLineAsync("--distributed runs each service on its own database (SQLite, or a schema with --postgres), recreated every run: --in-memory and --keep do not apply.").ConfigureAwait(false);
                return 2;
            }

            var options = new Distributed.DistributedJobOptions
            {
                Orders = result.GetResult(orders) is { Implicit: false } ? result.GetValue(orders) : new Distributed.DistributedJobOptions().Orders,
                Customers = result.GetValue(customers),
                Mix = new OrderMix(result.GetValue(invalid), result.GetValue(outOfStock), result.GetValue(decline), result.GetValue(timeout)),
                PaymentTimeout = TimeSpan.FromMilliseconds(result.GetValue(timeoutMs)),
                TransientFailureRate = result.GetValue(transient),
                Seed = result.GetValue(seed),
                Directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(result.GetValue(db)!))!, "distributed"),
                RabbitMq = broker,
                Postgres = result.GetValue(postgres),
                PaymentsInstances = result.GetValue(paymentsInstances),
                Chaos = result.GetValue(chaos),
                Progress = !result.GetValue(noProgress),
            };

            if (await RefusedAsync(options.Validate).ConfigureAwait(false))
            {
                return 2;
            }

            Distributed.DistributedResult outcome = await Distributed.DistributedJob.RunAsync(options, Console.Out, cancellationToken).ConfigureAwait(false);
            return outcome.ExitCode;
        }
    }
}
