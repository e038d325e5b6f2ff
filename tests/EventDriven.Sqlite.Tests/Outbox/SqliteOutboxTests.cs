using EventDriven.Outbox;
using EventDriven.Sqlite.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Sqlite.Tests.Outbox;

public sealed class SqliteOutboxTests : IDisposable
{
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task ASecondRelayOnTheSameFile_IsRefused_UntilTheFirstLetsGo()
    {
        var options = new SqliteStoreOptions { DatabasePath = _file.Path };
        await using var first = new SqliteOutbox(options);
        await using var second = new SqliteOutbox(options);
        Assert.Empty(await first.ClaimAsync(10, default));

        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(async () => await second.ClaimAsync(10, default));
        Assert.Contains("one relay per SQLite file", refused.Message);

        await first.DisposeAsync();
        Assert.Empty(await second.ClaimAsync(10, default));
    }

    [Fact]
    public async Task TwoStoresOfOneFile_WithDifferentOutboxTypes_AreRefused()
    {
        var one = new SqliteStoreOptions { DatabasePath = _file.Path };
        one.Outbox.Include("ItemAdded");
        var other = new SqliteStoreOptions { DatabasePath = _file.Path };
        other.Outbox.Include("CartCheckedOut");
        await using var store = new SqliteEventStore(one);

        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => new SqliteEventStore(other));
        Assert.Contains("CartCheckedOut", refused.Message);
        Assert.Contains("ItemAdded", refused.Message);
    }

    [Fact]
    public async Task AddEventDrivenSqlite_WithOutboxTypes_RegistersTheOutboxSource_AndWithoutNone()
    {
        var services = new ServiceCollection();
        services.AddEventDrivenSqlite(_file.Path, o => o.Outbox.Include("ItemAdded"));
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            Assert.IsType<SqliteOutbox>(provider.GetRequiredService<IOutboxSource>());
            Assert.True(provider.GetRequiredService<OutboxOptions>().Includes("ItemAdded"));
        }

        var plain = new ServiceCollection();
        plain.AddEventDrivenSqlite(_file.Path);
        await using ServiceProvider without = plain.BuildServiceProvider();
        Assert.Null(without.GetService<IOutboxSource>());
    }

    [Fact]
    public async Task OutboxRelay_WithoutAnOutboxSource_FailsWithAnErrorThatSaysWhatToInclude()
    {
        var services = new ServiceCollection();
        services.AddEventDrivenSqlite(_file.Path);
        services.AddSingleton<IOutboxTransport>(new RecordingOutboxTransport());
        services.AddOutboxRelay();
        await using ServiceProvider provider = services.BuildServiceProvider();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<OutboxRelay>());
        Assert.Contains("o.Outbox.Include<", error.Message);
    }
}
