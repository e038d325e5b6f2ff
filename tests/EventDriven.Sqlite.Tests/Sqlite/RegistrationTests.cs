using EventDriven.Sqlite.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection;
using static EventDriven.Storage.Contracts.StoreRead;

namespace EventDriven.Sqlite.Tests.Sqlite;

public sealed class RegistrationTests : IDisposable
{
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task AddEventDrivenSqlite_RegistersOneSqliteStoreAsIEventStore_DisposedWithTheContainer()
    {
        var services = new ServiceCollection();
        services.AddEventDrivenSqlite(_file.Path, options =>
        {
            options.Synchronous = SqliteSynchronous.Normal;
            options.Serializer = TestSerializer.Create();
        });

        IEventStore store;
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            store = provider.GetRequiredService<IEventStore>();
            Assert.Same(provider.GetRequiredService<SqliteEventStore>(), store);
            Assert.Equal(SqliteSynchronous.Normal, ((SqliteEventStore)store).Synchronous);
            Assert.Equal(_file.Path, ((SqliteEventStore)store).DatabasePath);
            await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.NoStream);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "B", 1)), ExpectedVersion.Any));
        Assert.True(File.Exists(_file.Path));
    }

    [Fact]
    public void AddEventDrivenSqlite_WithBadOptions_FailsAtRegistration()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddEventDrivenSqlite(_file.Path, o => o.MaxBatchSize = 0));
    }

    [Fact]
    public void AddEventDrivenSqlite_ByDefault_UsesEventdrivenDbInTheWorkingDirectory()
    {
        var services = new ServiceCollection();

        services.AddEventDrivenSqlite();

        var options = (SqliteStoreOptions)services.Single(d => d.ServiceType == typeof(SqliteStoreOptions)).ImplementationInstance!;
        Assert.Equal("eventdriven.db", options.DatabasePath);
        Assert.Equal(SqliteSynchronous.Full, options.Synchronous);
    }
}
