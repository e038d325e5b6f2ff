using System.CommandLine;
using ECommerce.Distributed;

namespace ECommerce.Cli;

/// <summary>
/// <c>ECommerce service &lt;name&gt;</c>: one service of the distributed shop as a process (the driver of <c>--distributed</c> starts
/// these; they can be started by hand too, against any broker).
/// </summary>
public static class ServiceCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create()
    {
        Argument<string> name = new("name") { Description = "orders, inventory, payments, notifications or audit." };
        Option<string> db = new("--db") { Description = "This process's SQLite database (kept across restarts: the service resumes from it).", Required = true };
        Option<string> books = new("--provider-books") { Description = "The payment provider's books (a SQLite file shared by the Payments processes).", Required = true };
        Option<string> broker = new("--rabbitmq") { Description = "The broker, an amqp:// URI.", Required = true };
        Option<string> exchange = new("--exchange") { Description = "The exchange every service of the run publishes to.", DefaultValueFactory = _ => "ecommerce" };
        Option<int> orders = new("--orders") { Description = "Orders of the run (sizes the catalogue, as in every process of the run).", DefaultValueFactory = _ => 20_000 };
        Option<int> timeoutMs = new("--payment-timeout-ms") { Description = "How long the order saga waits for the payment provider.", DefaultValueFactory = _ => 1_000 };
        Option<double> transient = new("--transient-failure-rate") { Description = "Share of payments whose first attempt fails for a moment.", DefaultValueFactory = _ => 0.001 };
        Option<string> postgres = new("--postgres") { Description = "Keep the service's store on this PostgreSQL server (an Npgsql connection string); --db is then its schema." };
        var command = new Command("service", "Runs one service of the distributed shop until its standard input closes or it gets SIGTERM; prints READY once it consumes its queue.")
        {
            name, db, books, broker, exchange, orders, timeoutMs, transient, postgres,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            string serviceName = result.GetValue(name)!;
            if (ShopService.Find(serviceName) is not { } service || ReferenceEquals(service, ShopService.Storefront))
            {
                await Console.Error.WriteLineAsync($"Unknown service '{serviceName}': run orders, inventory, payments, notifications or audit.").ConfigureAwait(false);
                return 2;
            }

            if (!Uri.TryCreate(result.GetValue(broker), UriKind.Absolute, out Uri? uri))
            {
                await Console.Error.WriteLineAsync($"--rabbitmq is '{result.GetValue(broker)}', not a URI; e.g. amqp://guest:guest@127.0.0.1:5672/.").ConfigureAwait(false);
                return 2;
            }

            var settings = new DistributedSettings
            {
                Broker = uri,
                Exchange = result.GetValue(exchange)!,
                Orders = result.GetValue(orders),
                PaymentTimeout = TimeSpan.FromMilliseconds(result.GetValue(timeoutMs)),
                TransientFailureRate = result.GetValue(transient),
                Postgres = result.GetValue(postgres),
            };
            return await ServiceHost.RunAsync(service, settings, result.GetValue(db)!, result.GetValue(books)!, Console.Out, Console.In).ConfigureAwait(false);
        });

        return command;
    }
}
