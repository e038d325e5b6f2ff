using EventDriven.Projections;
using EventDriven.Serialization;
using EventDriven.Sqlite.Projections;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Tests.Fixtures;

/// <summary>The quantities projection as a SQLite read model: two tables in the event store's own file.</summary>
public sealed class SqliteQuantities(string name, long failAtPosition) : IProjection<SqliteProjectionWriter>
{
    public string Name => name;

    public void Setup(SqliteProjectionWriter writer)
    {
        writer.Execute("CREATE TABLE IF NOT EXISTS quantities (projection TEXT NOT NULL, cart TEXT NOT NULL, quantity INTEGER NOT NULL, events INTEGER NOT NULL, PRIMARY KEY (projection, cart)) WITHOUT ROWID");
        writer.Execute("CREATE TABLE IF NOT EXISTS quantities_applied (projection TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (projection, position)) WITHOUT ROWID");
    }

    public void Apply(IEvent @event, StoredEvent stored, SqliteProjectionWriter writer)
    {
        if (Quantities.Of(@event, stored, failAtPosition) is not { } added)
        {
            return;
        }

        SqliteCommand add = writer.Command("""
            INSERT INTO quantities (projection, cart, quantity, events) VALUES ($projection, $cart, $quantity, 1)
            ON CONFLICT (projection, cart) DO UPDATE SET quantity = quantity + excluded.quantity, events = events + 1
            """);
        SqliteProjectionWriter.Set(add, "$projection", name);
        SqliteProjectionWriter.Set(add, "$cart", added.Cart);
        SqliteProjectionWriter.Set(add, "$quantity", added.Quantity);
        add.ExecuteNonQuery();

        // A primary key: applying a position twice would fail the batch, so a double apply cannot hide.
        SqliteCommand applied = writer.Command("INSERT INTO quantities_applied (projection, position) VALUES ($projection, $position)");
        SqliteProjectionWriter.Set(applied, "$projection", name);
        SqliteProjectionWriter.Set(applied, "$position", stored.Position);
        applied.ExecuteNonQuery();
    }

    public void Reset(SqliteProjectionWriter writer)
    {
        SqliteCommand carts = writer.Command("DELETE FROM quantities WHERE projection = $projection");
        SqliteProjectionWriter.Set(carts, "$projection", name);
        carts.ExecuteNonQuery();
        SqliteCommand positions = writer.Command("DELETE FROM quantities_applied WHERE projection = $projection");
        SqliteProjectionWriter.Set(positions, "$projection", name);
        positions.ExecuteNonQuery();
    }
}

public sealed class SqliteProjectionFixture : ProjectionFixture
{
    private readonly TempDatabase _file = new();
    private readonly List<IAsyncDisposable> _opened = [];
    private readonly SqliteEventStore _store;
    private readonly SqliteProjectionCheckpoints _checkpoints;

    public SqliteProjectionFixture()
    {
        _store = new SqliteEventStore(Options(TestSerializer.Create()));
        _checkpoints = new SqliteProjectionCheckpoints(Options(TestSerializer.Create()));
    }

    public override string Name => "sqlite";

    public override IEventStore Store => _store;

    public override IEventStore OpenStore(IEventSerializer serializer)
    {
        var store = new SqliteEventStore(Options(serializer));
        _opened.Add(store);
        return store;
    }

    public override IProjectionRunner CreateRunner(ProjectionRunnerOptions options, string projection = "quantities", long failAtPosition = 0, IEventStore? store = null)
        => new ProjectionRunner<SqliteProjectionWriter>(store ?? _store, new SqliteQuantities(projection, failAtPosition), _checkpoints, options);

    public override ValueTask<QuantitiesReadModel> ReadAsync(string projection = "quantities")
    {
        using SqliteConnection raw = _file.OpenRaw();
        var carts = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        List<long> positions = [];
        using (SqliteCommand read = raw.CreateCommand())
        {
            read.CommandText = "SELECT cart, quantity, events FROM quantities WHERE projection = $p";
            read.Parameters.AddWithValue("$p", projection);
            using SqliteDataReader row = read.ExecuteReader();
            while (row.Read())
            {
                carts[row.GetString(0)] = (row.GetInt64(1), row.GetInt64(2));
            }
        }

        using (SqliteCommand read = raw.CreateCommand())
        {
            read.CommandText = "SELECT position FROM quantities_applied WHERE projection = $p ORDER BY position";
            read.Parameters.AddWithValue("$p", projection);
            using SqliteDataReader row = read.ExecuteReader();
            while (row.Read())
            {
                positions.Add(row.GetInt64(0));
            }
        }

        return new(new QuantitiesReadModel(carts, positions));
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable opened in _opened)
        {
            await opened.DisposeAsync();
        }

        await _checkpoints.DisposeAsync();
        await _store.DisposeAsync();
        _file.Dispose();
    }

    private SqliteStoreOptions Options(IEventSerializer serializer)
        => new() { DatabasePath = _file.Path, Serializer = serializer, ReadPageSize = StoreFactory.SmallPageSize, Synchronous = SqliteSynchronous.Normal };
}
