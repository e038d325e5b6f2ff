using EventDriven.Reliability;
using EventDriven.Sqlite.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Sqlite.Tests.Inbox;

/// <summary>
/// The duplicate-delivery test: [EventHandler(Inbox = true)] through the generated dispatcher, with the SQLite inbox that
/// AddEventDrivenSqlite registers, inline and on the ring.
/// </summary>
public sealed class SqliteInboxDeliveryTests : IDisposable
{
    private const int EventCount = 10_000;
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Theory]
    [InlineData(DispatchMode.Inline)]
    [InlineData(DispatchMode.RingBuffer)]
    public async Task TenThousandEvents_EachDeliveredTwice_HaveTenThousandSideEffects(DispatchMode mode)
    {
        var sales = new TicketSales();
        TicketSold[] events = [.. Enumerable.Range(0, EventCount).Select(static seat => new TicketSold("Proms", seat))];
        await using (ServiceProvider services = CreateBus(mode, sales))
        {
            var bus = services.GetRequiredService<EventBus>();
            foreach (TicketSold sold in events)
            {
                await bus.PublishAsync(sold);
            }

            foreach (TicketSold sold in events)
            {
                await bus.PublishAsync(sold); // the redelivery
            }

            await bus.StopAsync();
            Assert.IsType<SqliteInbox>(services.GetRequiredService<IInbox>());
        }

        Assert.Equal(EventCount, sales.Total);
        Assert.All(events, e => Assert.Equal(1, sales.Of(e.Id)));

        // The records are in the file, so a redelivery after a restart is skipped too.
        using var reopened = new SqliteInbox(_file.Path);
        Assert.True(await reopened.HasProcessedAsync(typeof(CountTicketSale).FullName!, events[^1].Id));
    }

    [Fact]
    public async Task Redelivery_AfterARestart_IsSkipped()
    {
        var sales = new TicketSales();
        var sold = new TicketSold("Proms", 1);
        await using (ServiceProvider first = CreateBus(DispatchMode.Inline, sales))
        {
            await first.GetRequiredService<IEventBus>().PublishAsync(sold);
        }

        await using (ServiceProvider second = CreateBus(DispatchMode.Inline, sales))
        {
            await second.GetRequiredService<IEventBus>().PublishAsync(sold);
        }

        Assert.Equal(1, sales.Of(sold.Id));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddEventDrivenSqlite_RegistersTheSqliteInboxAndDeadLetterStore_WhicheverIsCalledFirst(bool sqliteFirst)
    {
        var services = new ServiceCollection();
        if (sqliteFirst)
        {
            services.AddEventDrivenSqlite(_file.Path);
            services.AddEventDriven();
        }
        else
        {
            services.AddEventDriven();
            services.AddEventDrivenSqlite(_file.Path);
        }

        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<SqliteInbox>(), provider.GetRequiredService<IInbox>());
        Assert.Same(provider.GetRequiredService<SqliteDeadLetterStore>(), provider.GetRequiredService<IDeadLetterSink>());
        Assert.Single(services, static d => d.ServiceType == typeof(IDeadLetterSink));
    }

    private ServiceProvider CreateBus(DispatchMode mode, TicketSales sales)
    {
        var services = new ServiceCollection();

        // NORMAL: commits are not synced to the disk, which keeps 10,000 marks fast; deduplication does not depend on the sync
        // (the durability of an acknowledged mark is SQLite's synchronous setting, tested by the store's crash tests).
        services.AddEventDrivenSqlite(_file.Path, static o => o.Synchronous = SqliteSynchronous.Normal);
        services.AddSingleton(sales);
        services.AddEventDriven(o =>
        {
            o.DispatchMode = mode;
            o.RingBufferCapacity = 1024;
        });
        return services.BuildServiceProvider();
    }
}
