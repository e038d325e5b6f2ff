using ECommerce.Simulation;

namespace ECommerce.Distributed;

/// <summary>Everything one distributed run needs to know; the command line fills it (<c>--distributed</c>), tests build it directly.</summary>
public sealed record DistributedJobOptions
{
    /// <summary>Orders the customers place. Default 20,000.</summary>
    public int Orders { get; init; } = 20_000;

    /// <summary>Customers shopping at the same time. Default 1,000.</summary>
    public int Customers { get; init; } = 1_000;

    /// <summary>The shares of orders that go wrong, and how.</summary>
    public OrderMix Mix { get; init; } = OrderMix.Realistic;

    /// <summary>The share of payments whose first attempt fails for a moment (retried by the bus).</summary>
    public double TransientFailureRate { get; init; } = 0.001;

    /// <summary>How long the order saga waits for the payment provider before it compensates. Default 1 s.</summary>
    public TimeSpan PaymentTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The seed of the customers' choices and of the chaos.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The run's folder: one SQLite database per service process, the provider's books, the flow diagram. Recreated every run.</summary>
    public string Directory { get; init; } = DefaultDirectory;

    /// <summary>A broker to use (amqp://…); null starts a throwaway RabbitMQ node for the run.</summary>
    public Uri? RabbitMq { get; init; }

    /// <summary>A PostgreSQL server (Npgsql connection string): each process keeps its store in a schema of its own there (dropped first). Null: SQLite files.</summary>
    public string? Postgres { get; init; }

    /// <summary>Payments processes competing for the Payments queue. Default 1.</summary>
    public int PaymentsInstances { get; init; } = 1;

    /// <summary>Kill service processes (SIGKILL) during the run and start them again.</summary>
    public bool Chaos { get; init; }

    /// <summary>How many kills with <see cref="Chaos"/>; at least <see cref="ChaosMonkey.MinimumKills"/>. Default: one per 4,000 orders, at least 3.</summary>
    public int? ChaosKills { get; init; }

    /// <summary>Show progress while running.</summary>
    public bool Progress { get; init; } = true;

    /// <summary>Progress as a bar redrawn in place rather than periodic lines.</summary>
    public bool InteractiveProgress { get; init; } = !Console.IsOutputRedirected;

    /// <summary>How long the run may go without any order finishing before it gives up waiting. Default 60 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The default folder: <c>eventdriven-ecommerce/distributed</c> in the temporary folder.</summary>
    public static string DefaultDirectory => Path.Combine(Path.GetTempPath(), "eventdriven-ecommerce", "distributed");

    /// <summary>The kills of a chaos run.</summary>
    public int KillCount => Math.Max(ChaosMonkey.MinimumKills, ChaosKills ?? (Orders / 4_000));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Cli.ShopJobOptions.ValidateWorkload(Orders, Customers, Mix, TransientFailureRate, PaymentTimeout);
        if (PaymentsInstances is < 1 or > 16)
        {
            throw new ArgumentException($"--payments-instances is {PaymentsInstances}; run between 1 and 16 Payments processes.");
        }

        if (RabbitMq is { } uri && uri.Scheme is not ("amqp" or "amqps"))
        {
            throw new ArgumentException($"--rabbitmq is {uri}; give an amqp:// or amqps:// URI, e.g. amqp://guest:guest@127.0.0.1:5672/.");
        }

        Cli.ShopJobOptions.ValidatePostgres(Postgres);
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("--db is empty; give the folder for the services' databases.");
        }
    }
}
