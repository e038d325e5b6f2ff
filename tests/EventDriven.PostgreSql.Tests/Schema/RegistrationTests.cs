using EventDriven.PostgreSql.Tests.Fixtures;
using EventDriven.Reliability;
using EventDriven.Sagas;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventDriven.PostgreSql.Tests.Schema;

/// <summary><c>AddEventDrivenPostgres</c>: one store of each kind per container, on one schema, the in-memory defaults replaced in either order.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public async Task AddEventDrivenPostgres_RegistersEveryStore_OnTheSameSchema_WhicheverIsCalledFirst()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresServer.NewSchema();
        var services = new ServiceCollection()
            .AddEventDriven()
            .AddEventDrivenPostgres(server.ConnectionString, o => (o.Schema, o.Serializer) = (schema, TestSerializer.Create()));
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.IsType<PostgresEventStore>(provider.GetRequiredService<IEventStore>());
        Assert.IsType<PostgresInbox>(provider.GetRequiredService<IInbox>());
        Assert.IsType<PostgresDeadLetterStore>(provider.GetRequiredService<IDeadLetterSink>());
        Assert.IsType<PostgresSagaStore>(provider.GetRequiredService<ISagaStore>());

        await provider.GetRequiredService<IEventStore>().AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "A", 1))], ExpectedVersion.NoStream);
        Assert.True(await provider.GetRequiredService<IInbox>().MarkProcessedAsync("c", Guid.NewGuid()));
        StoredRows rows = await StoredRows.ReadAsync(server.ConnectionString, schema);
        Assert.Single(rows.Rows);
    }

    [Fact]
    public async Task AddEventDrivenPostgres_OnTheApplicationsDataSource_LeavesItOpen()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        var builder = new NpgsqlSlimDataSourceBuilder(server.ConnectionString);
        builder.EnableArrays();
        await using NpgsqlDataSource dataSource = builder.Build();
        await using (ServiceProvider provider = new ServiceCollection().AddEventDrivenPostgres(dataSource, o => (o.Schema, o.Serializer) = (PostgresServer.NewSchema(), TestSerializer.Create())).BuildServiceProvider())
        {
            await provider.GetRequiredService<IEventStore>().AppendAsync("cart-1", [new EventToAppend(new ItemAdded("cart-1", "A", 1))], ExpectedVersion.NoStream);
        }

        await using NpgsqlConnection stillUsable = await dataSource.OpenConnectionAsync();
        Assert.Equal(System.Data.ConnectionState.Open, stillUsable.State);
    }
}
