using EventDriven.PostgreSql.Tests.Fixtures;
using EventDriven.Store;
using Xunit.Abstractions;

namespace EventDriven.PostgreSql.Tests.Faults;

/// <summary>
/// Appending processes killed with SIGKILL at random moments, again and again on one database (two at a time, so one dies while the
/// other commits): every acknowledged append is stored, no append is torn or stored twice, positions and versions have no gaps,
/// and retrying each append that was begun but not acknowledged (same event ids) writes it exactly once or finds it already stored.
/// </summary>
public sealed class KillTests(ITestOutputHelper output)
{
    private const int Kills = 12;

    [Fact]
    public async Task AppendersKilledAtRandomMoments_KeepEveryAcknowledgedAppendWholeAndOnce_AndRetriesAreSafe()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        PostgresServer server = await PostgresServer.SharedAsync();
        string schema = PostgresServer.NewSchema();
        await using var checker = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: schema));
        await checker.EnsureCreatedAsync();
        var appends = new Dictionary<string, Guid[]>(StringComparer.Ordinal);
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        int committedUnacknowledged = 0;

        for (int kill = 0; kill < Kills; kill++)
        {
            // The victim and a survivor append at once; only the victim is killed (after a random number of acknowledgements).
            await using AppenderProcess victim = AppenderProcess.Start(server.ConnectionString, schema, $"k{kill}", workers: 4, batches: 0);
            await using AppenderProcess survivor = AppenderProcess.Start(server.ConnectionString, schema, $"s{kill}", workers: 2, batches: 15);
            // The random moment is a random number of acknowledgements, not a sleep: the victim's four workers then have appends
            // in every state (being serialized, queued, mid-commit), whatever the machine's load.
            await victim.AcknowledgedAsync(random.Next(1, 120)).WaitAsync(TimeSpan.FromSeconds(60));
            await victim.KillAsync();
            await survivor.ExitedAsync();

            foreach (AppenderProcess run in (ReadOnlySpan<AppenderProcess>)[victim, survivor])
            {
                foreach ((string name, Guid[] ids) in run.Begun)
                {
                    appends.Add(name, ids);
                }

                acknowledged.UnionWith(run.Acknowledged);
            }

            StoredRows stored = await StoredRows.ReadAsync(server.ConnectionString, schema);
            stored.AssertDenseAndGapFree();
            foreach ((string name, Guid[] ids) in appends)
            {
                int present = ids.Count(stored.Ids.Contains);
                Assert.True(present == 0 || present == ids.Length, $"append {name} is torn: {present} of {ids.Length} events stored (seed {seed}).");
                Assert.True(present == ids.Length || !acknowledged.Contains(name), $"acknowledged append {name} is missing (seed {seed}).");
            }

            // The victim never learned whether these committed: retrying them with the same ids is safe.
            string[] inFlight = [.. victim.Begun.Keys.Where(name => !victim.Acknowledged.Contains(name))];
            foreach (string name in inFlight)
            {
                Guid[] ids = victim.Begun[name];
                bool wasStored = ids.All(stored.Ids.Contains);
                committedUnacknowledged += wasStored ? 1 : 0;
                AppendResult retry = await checker.AppendAsync("retry-" + name, [.. ids.Select(id => new EventToAppend(new ItemAdded("retry", "x", 0) { Id = id }))], ExpectedVersion.Any);
                Assert.Equal(wasStored ? 0 : ids.Length, retry.Appended);
                Assert.Equal(wasStored ? ids.Length : 0, retry.Duplicates.Count);
                acknowledged.Add(name);
            }

            output.WriteLine($"kill {kill + 1}: {victim.Acknowledged.Count} acknowledged, {inFlight.Length} in flight ({inFlight.Count(n => victim.Begun[n].All(stored.Ids.Contains))} of them committed)");
        }

        StoredRows end = await StoredRows.ReadAsync(server.ConnectionString, schema);
        end.AssertDenseAndGapFree();
        Assert.Equal(appends.Values.Sum(ids => ids.Length), end.Rows.Count);
        output.WriteLine($"{Kills} kills, {end.Rows.Count} events, {committedUnacknowledged} appends committed but never acknowledged (found by their retry)");
    }
}
