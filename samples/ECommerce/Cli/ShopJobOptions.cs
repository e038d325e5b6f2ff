using ECommerce.Simulation;
using EventDriven;

namespace ECommerce.Cli;

/// <summary>Everything one run of the shop needs to know; the command line fills it, tests build it directly.</summary>
public sealed record ShopJobOptions
{
    /// <summary>Orders the customers place. Default 100,000.</summary>
    public int Orders { get; init; } = 100_000;

    /// <summary>Customers shopping at the same time, each waiting for its order's outcome before the next. Default 1,000.</summary>
    public int Customers { get; init; } = 1_000;

    /// <summary>The shares of orders that go wrong, and how.</summary>
    public OrderMix Mix { get; init; } = OrderMix.Realistic;

    /// <summary>The share of payments whose first attempt fails for a moment (retried by the bus). Default 0.1 %.</summary>
    public double TransientFailureRate { get; init; } = 0.001;

    /// <summary>How long the order saga waits for the payment provider before it compensates. Default 1 s: far above a normal answer's delay under full load, so only unanswered payments time out.</summary>
    public TimeSpan PaymentTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The seed of the customers' choices: the same seed places the same orders.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The SQLite database file, or <see langword="null"/> to keep events in memory (tests).</summary>
    public string? DatabasePath { get; init; } = DefaultDatabasePath;

    /// <summary>
    /// A PostgreSQL server to keep the events, inbox, dead letters and saga state on instead of SQLite (an Npgsql connection string);
    /// the tables live in the schema <see cref="PostgresSchema"/>, dropped first unless <see cref="Keep"/>.
    /// </summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>The PostgreSQL schema of the run's tables.</summary>
    public const string PostgresSchema = "ecommerce";

    /// <summary>Keep an existing database and add this run's events to it, instead of starting from an empty one.</summary>
    public bool Keep { get; init; }

    /// <summary>Show progress while running.</summary>
    public bool Progress { get; init; } = true;

    /// <summary>Progress as a bar redrawn in place (a terminal) rather than periodic lines (a log). Default: a terminal unless the output is redirected.</summary>
    public bool InteractiveProgress { get; init; } = !Console.IsOutputRedirected;

    /// <summary>
    /// How handlers run. The shop's services keep their state in plain collections and rely on the ring's single consumer running
    /// one handler at a time; inline dispatch would run them on every publishing thread at once (the customers, the saga's timeout
    /// timer), so the job refuses it.
    /// </summary>
    public DispatchMode DispatchMode { get; init; } = DispatchMode.RingBuffer;

    /// <summary>How long the run may go without any order finishing before it gives up waiting. Default 30 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Tests only: runs after the bus stopped and before the invariants are checked, to break one on purpose.</summary>
    internal Func<ShopRun, Task>? BeforeInvariantChecks { get; init; }

    /// <summary>
    /// The clock of the saga's payment timeouts (tests only; the system clock otherwise). With a fake clock, set
    /// <see cref="AdvanceTime"/> too: the job then moves time itself, only while nothing is in flight (see <see cref="Simulation.ShopClock"/>).
    /// </summary>
    internal TimeProvider? Time { get; init; }

    /// <summary>Moves <see cref="Time"/> forward (tests only), e.g. <c>fake.Advance</c>.</summary>
    internal Action<TimeSpan>? AdvanceTime { get; init; }

    /// <summary>Called by the payment provider before it answers a charge of the given order (tests only; see <see cref="Payments.PaymentGateway.BeforeIssuerAnswers"/>).</summary>
    internal Action<Guid>? BeforeIssuerAnswers { get; init; }

    /// <summary>The default database: <c>eventdriven-ecommerce/ecommerce.db</c> in the temporary folder, recreated every run.</summary>
    public static string DefaultDatabasePath => Path.Combine(Path.GetTempPath(), "eventdriven-ecommerce", "ecommerce.db");

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ValidateWorkload(Orders, Customers, Mix, TransientFailureRate, PaymentTimeout);
        if (DispatchMode != DispatchMode.RingBuffer)
        {
            throw new ArgumentException($"DispatchMode {DispatchMode} is not supported by the shop: its services rely on the ring's single consumer (one handler at a time), and the bus retries failed handlers on the ring only.");
        }

        if (DatabasePath is { Length: 0 })
        {
            throw new ArgumentException("--db is empty; give a file path, e.g. --db ./shop.db.");
        }

        ValidatePostgres(PostgresConnectionString);
    }

    /// <summary>What the in-process and the distributed job both check: the orders, the customers, the mix and the payment settings.</summary>
    internal static void ValidateWorkload(int orders, int customers, OrderMix mix, double transientFailureRate, TimeSpan paymentTimeout)
    {
        if (orders < 1)
        {
            throw new ArgumentException($"--orders is {orders}; place at least 1 order.");
        }

        if (customers < 1)
        {
            throw new ArgumentException($"--customers is {customers}; at least 1 customer must shop.");
        }

        mix.Validate();
        if (double.IsNaN(transientFailureRate) || transientFailureRate is < 0 or > 1)
        {
            throw new ArgumentException($"--transient-failure-rate is {transientFailureRate}; a rate is a share between 0 and 1.");
        }

        if (paymentTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--payment-timeout-ms is {paymentTimeout.TotalMilliseconds}; it must be positive.");
        }
    }

    /// <summary>Throws when <paramref name="connectionString"/> (when given) is not an Npgsql connection string.</summary>
    internal static void ValidatePostgres(string? connectionString)
    {
        if (connectionString is null)
        {
            return;
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException invalid)
        {
            throw new ArgumentException($"--postgres is not a valid connection string ({invalid.Message}); e.g. --postgres \"Host=localhost;Username=shop;Password=secret;Database=shop\".", invalid);
        }
    }
}
