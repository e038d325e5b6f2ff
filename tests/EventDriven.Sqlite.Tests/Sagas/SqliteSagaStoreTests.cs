using EventDriven.Sagas;
using EventDriven.Sqlite.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Sqlite.Tests.Sagas;

public sealed class SqliteSagaStoreTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task SharesTheFileWithTheEventStore_AndAddEventDrivenSqliteRegistersIt()
    {
        var services = new ServiceCollection().AddEventDrivenSqlite(_file.Path);
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            ISagaStore store = provider.GetRequiredService<ISagaStore>();
            Assert.Same(provider.GetRequiredService<SqliteSagaStore>(), store);
            _ = provider.GetRequiredService<Store.IEventStore>();
            await store.SaveAsync(Record("a", 1), 0);
        }

        await using SqliteConnection raw = _file.OpenRaw();
        using SqliteCommand tables = raw.CreateCommand();
        tables.CommandText = "SELECT group_concat(component) FROM (SELECT component FROM eventdriven_schema ORDER BY component)";
        Assert.Contains("sagas", (string)tables.ExecuteScalar()!, StringComparison.Ordinal);
        Assert.Contains("events", (string)tables.ExecuteScalar()!, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSqliteSagaStore_KeepsAStoreRegisteredBefore()
    {
        var mine = new InMemorySagaStore();
        var services = new ServiceCollection().AddSingleton<ISagaStore>(mine).AddSqliteSagaStore(_file.Path);
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<ISagaStore>());
    }

    private static SagaRecord Record(string id, long revision, SagaStatus status = SagaStatus.Running, byte[]? data = null, DateTimeOffset? timeoutAt = null)
        => new("S", id, revision, status, data ?? [(byte)'{', (byte)'}'], timeoutAt, s_now);
}
