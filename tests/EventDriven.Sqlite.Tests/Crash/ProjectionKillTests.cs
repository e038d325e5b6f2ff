using System.Diagnostics;
using System.Globalization;
using EventDriven.Sqlite.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace EventDriven.Sqlite.Tests.Crash;

/// <summary>
/// A child process (tests/EventDriven.Sqlite.CrashWriter, mode <c>project</c>) catches a SQLite projection up over 30,000 stored
/// events and is killed with SIGKILL: every other time at a random moment (between batches, inside one, during a commit), and in
/// between while it waits inside a batch's transaction at a chosen position (gated: it says STALLED); once mid-rebuild. After every kill the
/// read model must be exactly a from-scratch projection of the events up to its checkpoint: each position applied once, none lost,
/// none twice. Then a last run catches up to the head and the read model is the projection of every event.
/// </summary>
public sealed class ProjectionKillTests(ITestOutputHelper output)
{
    private const int Events = 30_000;
    private const int Streams = 8;
    private const int Kills = 12;
    private const int RebuildAtKill = 8;

    [Fact]
    public async Task Killed_at_random_moments_mid_catch_up_and_mid_rebuild_the_read_model_always_equals_a_rebuild_to_its_checkpoint()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var file = new TempDatabase();
        Child seeding = StartChild(file.Path, Streams, "seed", Events);
        await seeding.WaitForExitAsync(expectSuccess: true);
        List<(long Position, string Stream, long Version)> rows = ReadEvents(file);
        Assert.Equal(Events, rows.Count);

        for (int kill = 0; kill < Kills; kill++)
        {
            long before = ReadModel(file).Checkpoint;
            string mode = kill == RebuildAtKill ? "rebuild" : "project";
            long from = mode == "rebuild" ? 0 : before;
            int ahead = random.Next(1, (int)Math.Min(2_000, Events - from));
            bool stall = kill % 2 == 1;
            Child child = StartChild(file.Path, 1, mode, random.Next(20, 400), stall ? from + ahead : 0);
            long lastApplied = stall ? await child.KillWhenStalledAsync() : await child.KillAfterAppliedAsync(ahead);

            Model model = ReadModel(file);
            Assert.Equal("ok", model.IntegrityCheck);
            AssertIsProjectionOf(rows, model, $"kill {kill + 1} (seed {seed})");
            if (stall)
            {
                // Its batch was never committed: the read model stops before the position it waited at.
                Assert.Equal(from + ahead, lastApplied);
                Assert.True(model.Checkpoint < lastApplied, $"kill {kill + 1}: checkpoint {model.Checkpoint} passed the uncommitted position {lastApplied} (seed {seed}).");
            }

            output.WriteLine($"kill {kill + 1} ({mode}{(stall ? ", inside a batch" : "")}): checkpoint {before} -> {model.Checkpoint}, last position said {lastApplied}");
        }

        Child last = StartChild(file.Path, 1, "project", 500);
        await last.WaitForExitAsync(expectSuccess: true);
        Model final = ReadModel(file);
        Assert.Equal(Events, final.Checkpoint);
        AssertIsProjectionOf(rows, final, $"final (seed {seed})");
    }

    private static void AssertIsProjectionOf(List<(long Position, string Stream, long Version)> rows, Model model, string when)
    {
        Assert.True(model.Positions.SequenceEqual(Enumerable.Range(1, (int)model.Checkpoint).Select(p => (long)p)),
            $"{when}: the applied positions are not exactly 1..{model.Checkpoint} ({model.Positions.Count} rows).");
        var expected = new Dictionary<string, (long Total, long Events)>(StringComparer.Ordinal);
        foreach ((long position, string stream, long version) in rows.Where(r => r.Position <= model.Checkpoint))
        {
            (long total, long events) = expected.GetValueOrDefault(stream);
            expected[stream] = (total + version + 1, events + 1);
        }

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), model.Balances.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    private static List<(long, string, long)> ReadEvents(TempDatabase file)
    {
        using SqliteConnection raw = file.OpenRaw();
        using SqliteCommand select = raw.CreateCommand();
        select.CommandText = "SELECT position, stream_id, stream_version FROM events ORDER BY position";
        using SqliteDataReader reader = select.ExecuteReader();
        List<(long, string, long)> rows = [];
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    private static Model ReadModel(TempDatabase file)
    {
        using SqliteConnection raw = file.OpenRaw();
        string Scalar(string sql)
        {
            using SqliteCommand command = raw.CreateCommand();
            command.CommandText = sql;
            return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
        }

        bool projected = Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'balances'") == "1";
        string checkpoint = Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'projection_checkpoints'") == "1"
            ? Scalar("SELECT position FROM projection_checkpoints WHERE projection = 'balances'")
            : "";
        var balances = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        List<long> positions = [];
        if (projected)
        {
            using SqliteCommand select = raw.CreateCommand();
            select.CommandText = "SELECT stream_id, total, events FROM balances";
            using (SqliteDataReader reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    balances[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
                }
            }

            select.CommandText = "SELECT position FROM balances_applied ORDER BY position";
            using SqliteDataReader applied = select.ExecuteReader();
            while (applied.Read())
            {
                positions.Add(applied.GetInt64(0));
            }
        }

        return new Model(Scalar("PRAGMA integrity_check"), checkpoint.Length == 0 ? 0 : long.Parse(checkpoint, CultureInfo.InvariantCulture), balances, positions);
    }

    private static Child StartChild(string databasePath, int workers, string mode, int argument, long stallAt = 0)
    {
        string[] arguments = [databasePath, workers.ToString(CultureInfo.InvariantCulture), mode, argument.ToString(CultureInfo.InvariantCulture)];
        return new Child(CrashWriterProcess.Start(stallAt > 0 ? [.. arguments, stallAt.ToString(CultureInfo.InvariantCulture)] : arguments));
    }

    private sealed record Model(string IntegrityCheck, long Checkpoint, Dictionary<string, (long Total, long Events)> Balances, List<long> Positions);

    private sealed class Child(Process process)
    {
        private readonly Task<string> _errors = process.StandardError.ReadToEndAsync();

        public async Task WaitForExitAsync(bool expectSuccess)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            await stdout;
            if (expectSuccess && process.ExitCode != 0)
            {
                throw new InvalidOperationException($"the child exited with {process.ExitCode}: {await _errors}");
            }

            process.Dispose();
        }

        /// <summary>Reads the child's lines until it said STALLED, then SIGKILLs it; returns the position it stalled at.</summary>
        public async Task<long> KillWhenStalledAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("STALLED ", StringComparison.Ordinal))
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                    process.Dispose();
                    return long.Parse(line.AsSpan(8), CultureInfo.InvariantCulture);
                }
            }

            throw new InvalidOperationException($"the child ended without stalling: {await _errors}");
        }

        /// <summary>Reads the child's lines until it said APPLIED <paramref name="count"/> times, then SIGKILLs it; returns the last position it said.</summary>
        public async Task<long> KillAfterAppliedAsync(int count)
        {
            long last = 0;
            int seen = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (seen < count && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("APPLIED ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(8), CultureInfo.InvariantCulture, out long position))
                {
                    last = position;
                    seen++;
                }
                else if (line.StartsWith("CAUGHT-UP", StringComparison.Ordinal))
                {
                    break;
                }
            }

            if (seen < count)
            {
                throw new InvalidOperationException($"the child stopped after {seen} of {count} applied events: {await _errors}");
            }

            process.Kill(entireProcessTree: true); // SIGKILL: no finally block, no dispose, no flush runs in the child.
            await process.WaitForExitAsync();
            process.Dispose();
            return last;
        }
    }
}
