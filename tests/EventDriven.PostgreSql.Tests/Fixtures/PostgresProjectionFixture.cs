using EventDriven.PostgreSql.Projections;
using EventDriven.Projections;
using EventDriven.Serialization;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql.Tests.Fixtures;

/// <summary>The quantities projection as a PostgreSQL read model, in the store's schema; statements queued for the batch's round trip.</summary>
public sealed class PostgresQuantities(string name, long failAtPosition) : IProjection<PostgresProjectionWriter>
{
    public string Name => name;

    public void Setup(PostgresProjectionWriter writer)
    {
        writer.Execute($"CREATE TABLE IF NOT EXISTS {writer.Schema}.quantities (projection text NOT NULL, cart text NOT NULL, quantity bigint NOT NULL, events bigint NOT NULL, PRIMARY KEY (projection, cart))");
        writer.Execute($"CREATE TABLE IF NOT EXISTS {writer.Schema}.quantities_applied (projection text NOT NULL, position bigint NOT NULL, PRIMARY KEY (projection, position))");
    }

    public void Apply(IEvent @event, StoredEvent stored, PostgresProjectionWriter writer)
    {
        if (Quantities.Of(@event, stored, failAtPosition) is not { } added)
        {
            return;
        }

        writer.Add(
            $"INSERT INTO {writer.Schema}.quantities (projection, cart, quantity, events) VALUES ($1, $2, $3, 1) ON CONFLICT (projection, cart) DO UPDATE SET quantity = quantities.quantity + excluded.quantity, events = quantities.events + 1",
            name, added.Cart, (long)added.Quantity);
        // A primary key: applying a position twice would fail the batch, so a double apply cannot hide.
        writer.Add($"INSERT INTO {writer.Schema}.quantities_applied (projection, position) VALUES ($1, $2)", name, stored.Position);
    }

    public void Reset(PostgresProjectionWriter writer)
    {
        writer.Add($"DELETE FROM {writer.Schema}.quantities WHERE projection = $1", name);
        writer.Add($"DELETE FROM {writer.Schema}.quantities_applied WHERE projection = $1", name);
    }
}

public sealed class PostgresProjectionFixture : ProjectionFixture
{
    private readonly PostgresServer _server = PostgresServer.SharedAsync().GetAwaiter().GetResult();
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly List<IAsyncDisposable> _opened = [];
    private readonly PostgresEventStore _store;
    private readonly PostgresProjectionCheckpoints _checkpoints;

    public PostgresProjectionFixture()
    {
        _store = new PostgresEventStore(PostgresStoreFactory.Options(_server, schema: _schema));
        _checkpoints = new PostgresProjectionCheckpoints(PostgresStoreFactory.Options(_server, schema: _schema));
    }

    public override string Name => "postgresql";

    public override IEventStore Store => _store;

    public override IEventStore OpenStore(IEventSerializer serializer)
    {
        var store = new PostgresEventStore(PostgresStoreFactory.Options(_server, serializer, _schema));
        _opened.Add(store);
        return store;
    }

    public override IProjectionRunner CreateRunner(ProjectionRunnerOptions options, string projection = "quantities", long failAtPosition = 0, IEventStore? store = null)
        => new ProjectionRunner<PostgresProjectionWriter>(store ?? _store, new PostgresQuantities(projection, failAtPosition), _checkpoints, options);

    public override async ValueTask<QuantitiesReadModel> ReadAsync(string projection = "quantities")
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        var carts = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        List<long> positions = [];
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{_schema}.quantities') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync())!)
            {
                return new QuantitiesReadModel(carts, positions);
            }
        }

        await using (var read = new NpgsqlCommand($"SELECT cart, quantity, events FROM {_schema}.quantities WHERE projection = $1", connection))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
            await using NpgsqlDataReader row = await read.ExecuteReaderAsync();
            while (await row.ReadAsync())
            {
                carts[row.GetString(0)] = (row.GetInt64(1), row.GetInt64(2));
            }
        }

        await using (var read = new NpgsqlCommand($"SELECT position FROM {_schema}.quantities_applied WHERE projection = $1 ORDER BY position", connection))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
            await using NpgsqlDataReader row = await read.ExecuteReaderAsync();
            while (await row.ReadAsync())
            {
                positions.Add(row.GetInt64(0));
            }
        }

        return new QuantitiesReadModel(carts, positions);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable opened in _opened)
        {
            await opened.DisposeAsync();
        }

        await _checkpoints.DisposeAsync();
        await _store.DisposeAsync();
    }
}
