using EventDriven.PostgreSql.Tests.Fixtures;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql.Tests.Schema;

/// <summary>The package creates and versions its tables in a schema of the user's choice, once, however many processes start together.</summary>
public sealed class SchemaTests
{
    [Fact]
    public async Task TablesWrittenByANewerVersion_AreRefusedWithIncompatibleDatabaseException_AndLeftAsTheyAre()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresServer.NewSchema();
        await using (var first = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: schema)))
        {
            await first.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "A", 1))], ExpectedVersion.NoStream);
        }

        await ExecuteAsync(server, $"UPDATE {schema}.eventdriven_schema SET version = 99 WHERE component = 'events'");
        await using var newer = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: schema));

        var refused = await Assert.ThrowsAsync<IncompatibleDatabaseException>(() => newer.EnsureCreatedAsync());
        await Assert.ThrowsAsync<IncompatibleDatabaseException>(async () => await newer.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "B", 1))], ExpectedVersion.Any));

        Assert.IsAssignableFrom<IncompatibleStoreException>(refused);
        Assert.Contains($"schema '{schema}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("schema version 99", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade the package", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync(server, $"SELECT count(*) FROM {schema}.events"));
    }

    [Fact]
    public async Task ManyStoresOfOneSchemaStartingAtOnce_CreateTheTablesOnce()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresServer.NewSchema();

        // Different batch sizes make them different databases of this process: each creates (or finds) the tables itself.
        PostgresEventStore[] stores = [.. Enumerable.Range(1, 12).Select(size =>
        {
            PostgresStoreOptions options = PostgresStoreFactory.Options(server, schema: schema);
            options.MaxBatchSize = size;
            return new PostgresEventStore(options);
        })];
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.EnsureCreatedAsync())));
            await Task.WhenAll(stores.Select((s, i) => s.AppendAsync("s" + i, [new EventToAppend(new ItemAdded("s" + i, "A", 1))], ExpectedVersion.NoStream).AsTask()));
        }
        finally
        {
            foreach (PostgresEventStore store in stores)
            {
                await store.DisposeAsync();
            }
        }

        Assert.Equal(12L, await ScalarAsync(server, $"SELECT count(*) FROM {schema}.events"));
        Assert.Equal(1L, await ScalarAsync(server, $"SELECT count(*) FROM {schema}.eventdriven_schema WHERE component = 'events'"));
    }

    [Fact]
    public async Task TwoSchemas_AreTwoStores()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        await using var orders = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: PostgresServer.NewSchema()));
        await using var payments = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: PostgresServer.NewSchema()));

        await orders.AppendAsync("order-1", [new EventToAppend(new ItemAdded("order-1", "A", 1))], ExpectedVersion.NoStream);

        Assert.Equal(1, await orders.GetLastPositionAsync());
        Assert.Equal(0, await payments.GetLastPositionAsync());
        Assert.Equal(-1, await payments.GetStreamVersionAsync("order-1"));
    }

    [Theory]
    [InlineData("Shop")]
    [InlineData("shop-events")]
    [InlineData("1shop")]
    [InlineData("shop; DROP TABLE x")]
    [InlineData("")]
    public void ASchemaNameThatWouldNeedQuoting_IsRefusedNamingTheSetting(string schema)
    {
        var refused = Assert.Throws<ArgumentException>(() => new PostgresEventStore(new PostgresStoreOptions { ConnectionString = "Host=127.0.0.1", Schema = schema }));

        Assert.Contains("PostgresStoreOptions.Schema", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoServerGiven_IsRefusedNamingBothWaysToGiveOne()
    {
        var refused = Assert.Throws<ArgumentException>(() => new PostgresEventStore(new PostgresStoreOptions()));

        Assert.Contains("ConnectionString", refused.Message, StringComparison.Ordinal);
        Assert.Contains("DataSource", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamIdWithANulCharacter_FailsItsOwnAppendOnly()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        await using var store = new PostgresEventStore(PostgresStoreFactory.Options(server));

        var refused = Assert.Throws<ArgumentException>(() => store.AppendAsync("cart\0-1", [new EventToAppend(new ItemAdded("x", "A", 1))], ExpectedVersion.Any));
        AppendResult fine = await store.AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "A", 1))], ExpectedVersion.Any);

        Assert.Contains("NUL", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, fine.Appended);
    }

    private static async Task ExecuteAsync(PostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(PostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
