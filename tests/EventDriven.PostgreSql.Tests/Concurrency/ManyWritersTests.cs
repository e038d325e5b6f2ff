using EventDriven.PostgreSql.Tests.Fixtures;
using EventDriven.Store;
using Xunit.Abstractions;

namespace EventDriven.PostgreSql.Tests.Concurrency;

/// <summary>
/// Many writers, one truth: OS processes appending to one database at once, each with several appenders (own streams with exact
/// expected versions, and one stream all of them share), while a follower in this process reads <c>ReadAllAsync(after)</c> from
/// the last position it saw. Nothing is lost or duplicated, versions and positions have no gaps, and the follower meets every
/// position once, in order: a transaction that committed later never has a smaller position.
/// </summary>
public sealed class ManyWritersTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FourProcessesOfFourAppenders_LoseAndDuplicateNothing_AndAFollowerSeesEveryPositionInOrder()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresServer.NewSchema();
        await using (var creator = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: schema)))
        {
            await creator.EnsureCreatedAsync(); // the children would race to create it: that is tested elsewhere
        }

        await using var follower = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: schema));
        using var stop = new CancellationTokenSource();
        Task<List<long>> following = FollowAsync(follower, stop.Token);

        AppenderProcess[] children = [.. Enumerable.Range(0, 4).Select(p => AppenderProcess.Start(server.ConnectionString, schema, "p" + p, workers: 4, batches: 60))];
        try
        {
            await Task.WhenAll(children.Select(c => c.ExitedAsync()));
        }
        finally
        {
            foreach (AppenderProcess child in children)
            {
                await child.DisposeAsync();
            }
        }

        StoredRows stored = await StoredRows.ReadAsync(server.ConnectionString, schema);
        long last = stored.Rows.Count;
        await CatchUpAsync(follower, last);
        await stop.CancelAsync();
        List<long> seen = await following;

        stored.AssertDenseAndGapFree();
        Guid[] begun = [.. children.SelectMany(c => c.Begun.Values).SelectMany(ids => ids)];
        Assert.Equal(4 * 4 * 60, children.Sum(c => c.Acknowledged.Count));
        Assert.Equal(begun.Length, stored.Rows.Count);
        Assert.True(stored.Ids.SetEquals(begun), "the stored ids are not exactly the appended ones");
        Assert.Equal(Enumerable.Range(1, (int)last).Select(p => (long)p), seen);
        output.WriteLine($"{stored.Rows.Count} events from 16 appenders in 4 processes; the follower read them in {seen.Count} positions without a gap");
    }

    [Fact]
    public async Task TwoHundredFiftySixConcurrentAppenders_InOneProcess_AreGroupCommitted_AndTheFollowerMissesNothing()
    {
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresServer.NewSchema();
        await using var store = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: schema));
        await using var follower = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: schema));
        await store.EnsureCreatedAsync();
        using var stop = new CancellationTokenSource();
        Task<List<long>> following = FollowAsync(follower, stop.Token);

        await Task.WhenAll(Enumerable.Range(0, 256).Select(a => Task.Run(async () =>
        {
            string stream = "appender-" + a;
            for (int n = 0; n < 20; n++)
            {
                await store.AppendAsync(stream, [new EventToAppend(new ItemAdded(stream, "sku", n))], ExpectedVersion.Exactly(n - 1));
            }
        })));

        await CatchUpAsync(follower, 256 * 20);
        await stop.CancelAsync();
        List<long> seen = await following;
        StoredRows stored = await StoredRows.ReadAsync(server.ConnectionString, schema);

        stored.AssertDenseAndGapFree();
        Assert.Equal(256 * 20, stored.Rows.Count);
        Assert.Equal(Enumerable.Range(1, 256 * 20).Select(p => (long)p), seen);
        Assert.True(store.AverageGroupSize > 1, $"group commit did not group: {store.AverageGroupSize:F1} appends per transaction");
        output.WriteLine($"{store.AverageGroupSize:F1} appends per transaction on average");
    }

    /// <summary>Reads from the last position seen, again and again, until cancelled; returns every position met, in order.</summary>
    private static async Task<List<long>> FollowAsync(IEventStore store, CancellationToken stop)
    {
        var seen = new List<long>();
        long after = 0;
        while (!stop.IsCancellationRequested)
        {
            await foreach (StoredEvent stored in store.ReadAllAsync(after))
            {
                seen.Add(stored.Position);
                after = stored.Position;
            }

            await Task.Yield();
        }

        // One last read after the appenders are done, so the follower ends where the store does.
        await foreach (StoredEvent stored in store.ReadAllAsync(after))
        {
            seen.Add(stored.Position);
        }

        return seen;
    }

    private static async Task CatchUpAsync(IEventStore store, long position)
    {
        while (await store.GetLastPositionAsync() < position)
        {
            await Task.Yield();
        }
    }
}
