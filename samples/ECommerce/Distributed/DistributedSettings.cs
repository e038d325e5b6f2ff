namespace ECommerce.Distributed;

/// <summary>What every process of a distributed run agrees on: the broker, the exchange, the catalogue's size and the saga's timeout.</summary>
public sealed record DistributedSettings
{
    /// <summary>The broker every service talks through.</summary>
    public required Uri Broker { get; init; }

    /// <summary>The topic exchange the services publish to (one per run, so runs never see each other's messages).</summary>
    public required string Exchange { get; init; }

    /// <summary>Orders of the run: the catalogue (products, opening stock) is sized from it, identically in every process.</summary>
    public required int Orders { get; init; }

    /// <summary>How long the order saga waits for the payment provider before it compensates.</summary>
    public TimeSpan PaymentTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The share of payments whose first attempt fails for a moment (retried by the bus).</summary>
    public double TransientFailureRate { get; init; } = 0.001;

    /// <summary>
    /// A PostgreSQL server (an Npgsql connection string) for the services' stores instead of SQLite files: each process then owns a
    /// schema of its own on it (<c>shop_orders</c>, …). Null: SQLite.
    /// </summary>
    public string? Postgres { get; init; }

    /// <summary>The PostgreSQL schema of the process labelled <paramref name="label"/> (e.g. <c>payments#2</c> → <c>shop_payments_2</c>).</summary>
    public static string SchemaOf(string label) => "shop_" + label.Replace('#', '_');
}
