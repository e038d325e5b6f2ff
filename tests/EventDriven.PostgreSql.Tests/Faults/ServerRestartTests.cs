using EventDriven.PostgreSql.Tests.Fixtures;
using EventDriven.Store;
using Xunit.Abstractions;

namespace EventDriven.PostgreSql.Tests.Faults;

/// <summary>
/// The real server stopped (<c>pg_ctl stop -m immediate</c>, every connection cut, as in a crash) while appenders append, then started
/// again: appends fail with a <see cref="PostgresUnavailableException"/> naming the server while it is down, the store reconnects by
/// itself once it is up, and each append retried with the same event ids ends up stored exactly once.
/// </summary>
public sealed class ServerRestartTests(ITestOutputHelper output)
{
    private const int Appenders = 8;

    [Fact]
    public async Task ServerRestartedMidRun_AppendsFailClearlyThenResume_AndRetriesLoseAndDuplicateNothing()
    {
        await using PostgresServer server = await PostgresServer.StartOwnAsync();
        string schema = PostgresServer.NewSchema();
        await using var store = new PostgresEventStore(PostgresStoreFactory.Options(server, schema: schema));
        await store.EnsureCreatedAsync();

        var failures = new List<Exception>();
        var failuresGate = new Lock();
        int acknowledged = 0;
        var downPhase = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // set once an append failed while down
        var enoughBefore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var appended = new List<Guid>[Appenders];

        Task[] appenders = [.. Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            appended[a] = [];
            string stream = "restart-" + a;
            for (int n = 0; n < 60; n++)
            {
                var batch = new EventToAppend[1 + (n % 3)];
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = new EventToAppend(new ItemAdded(stream, "sku", n));
                }

                // Retry the same append (same ids) until the store acknowledges it: that is what a caller of a durable store does.
                while (true)
                {
                    try
                    {
                        await store.AppendAsync(stream, batch, ExpectedVersion.Any);
                        break;
                    }
                    catch (PostgresUnavailableException unavailable)
                    {
                        lock (failuresGate)
                        {
                            failures.Add(unavailable);
                        }

                        downPhase.TrySetResult();
                        await serverBack.Task; // no busy retry against a dead server: wait until the test has restarted it
                    }
                }

                appended[a].AddRange(batch.Select(b => b.Event.Id));
                if (Interlocked.Increment(ref acknowledged) == Appenders * 10)
                {
                    enoughBefore.TrySetResult();
                }
            }
        }))];

        await enoughBefore.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await server.StopAsync();
        await downPhase.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await server.StartAsync();
        serverBack.TrySetResult();
        await Task.WhenAll(appenders).WaitAsync(TimeSpan.FromSeconds(120));

        StoredRows stored = await StoredRows.ReadAsync(server.ConnectionString, schema);
        stored.AssertDenseAndGapFree();
        Guid[] all = [.. appended.SelectMany(ids => ids)];
        Assert.Equal(all.Length, stored.Rows.Count);
        Assert.True(stored.Ids.SetEquals(all), "the stored ids are not exactly the acknowledged ones");
        Assert.NotEmpty(failures);
        Assert.All(failures, failure => Assert.Contains($"127.0.0.1:{server.Port}", failure.Message, StringComparison.Ordinal));
        Assert.All(failures, failure => Assert.True(((PostgresUnavailableException)failure).IsTransient, failure.Message));
        output.WriteLine($"{all.Length} events stored once each; {failures.Count} appends failed while the server was down, e.g.: {failures[0].Message}");
    }
}
