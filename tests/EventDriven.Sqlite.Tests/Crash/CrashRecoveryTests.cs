using System.Diagnostics;
using EventDriven.Sqlite.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace EventDriven.Sqlite.Tests.Crash;

/// <summary>
/// A child process (tests/EventDriven.Sqlite.CrashWriter) appends from four concurrent workers through one store and is killed with
/// SIGKILL at random moments, again and again on the same file. After each kill the store must open, every acknowledged append must
/// be there, no append may be torn or duplicated, the file must pass <c>PRAGMA integrity_check</c>, and retrying each append that was
/// begun but not acknowledged (same event ids) must write it exactly once or find it already there.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Kills = 12;
    private const int Workers = 4;

    [Fact]
    public async Task KilledAtRandomMoments_KeepsEveryAcknowledgedAppendWholeAndOnce_AndRetriesAreSafe()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var file = new TempDatabase();
        var appends = new Dictionary<string, Guid[]>(StringComparer.Ordinal);
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);

        for (int kill = 0; kill < Kills; kill++)
        {
            int acksBeforeKill = random.Next(0, 250);
            ChildRun run = await RunChildUntilKilledAsync(file.Path, acksBeforeKill, random.Next(0, 15));
            // The child numbers its appends from 0 each time it starts: the run number makes the names unique.
            string Unique(string name) => $"{kill}:{name}";
            foreach ((string name, Guid[] ids) in run.Begun)
            {
                appends.Add(Unique(name), ids);
            }

            acknowledged.UnionWith(run.Acknowledged.Select(Unique));
            string[] unacknowledged = [.. run.Begun.Keys.Where(name => !run.Acknowledged.Contains(name)).Select(Unique)];
            output.WriteLine($"kill {kill + 1}: after {run.Acknowledged.Count} acknowledged appends ({acksBeforeKill} wanted), {unacknowledged.Length} in flight");

            await using (var store = new SqliteEventStore(new SqliteStoreOptions { DatabasePath = file.Path, Serializer = TestSerializer.Create() }))
            {
                Stored stored = ReadEverything(file);
                Assert.Equal("ok", stored.IntegrityCheck);
                AssertDenseAndGapFree(stored);
                foreach ((string name, Guid[] ids) in appends)
                {
                    int present = ids.Count(stored.Ids.Contains);
                    Assert.True(present == 0 || present == ids.Length, $"append {name} is torn: {present} of {ids.Length} events stored (seed {seed}).");
                    Assert.True(present == ids.Length || !acknowledged.Contains(name), $"acknowledged append {name} is missing (seed {seed}).");
                }

                // The caller never learned whether these committed: retrying them with the same ids is safe.
                int committedUnacknowledged = 0;
                foreach (string name in unacknowledged)
                {
                    Guid[] ids = appends[name];
                    bool wasStored = stored.Ids.Contains(ids[0]);
                    string worker = name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..name.IndexOf('-', StringComparison.Ordinal)];
                    string stream = "crash-" + worker;
                    AppendResult retry = await store.AppendAsync(stream, [.. ids.Select(id => new EventToAppend(new ItemAdded(stream, "retry", 0) { Id = id }))], ExpectedVersion.Any);

                    Assert.Equal(wasStored ? 0 : ids.Length, retry.Appended);
                    Assert.Equal(wasStored ? ids : [], retry.Duplicates);
                    acknowledged.Add(name);
                    committedUnacknowledged += wasStored ? 1 : 0;
                }

                output.WriteLine($"  {committedUnacknowledged} of them had committed; every retry wrote its events exactly once in all");
            }

            Stored afterRetries = ReadEverything(file);
            AssertDenseAndGapFree(afterRetries);
            Assert.All(acknowledged, name => Assert.All(appends[name], id => Assert.Contains(id, afterRetries.Ids)));
        }

        Assert.True(acknowledged.Count > Kills, "the child acknowledged almost nothing: the test did not exercise the store.");
    }

    /// <summary>
    /// The child commits units of work (an append, an inbox mark, a saga save and a row of its own table in one transaction) from
    /// four workers and is killed with SIGKILL at random moments: after each kill every unit is there whole or not at all, never an
    /// append without its mark or saga, and every acknowledged unit is there.
    /// </summary>
    [Fact]
    public async Task KilledDuringUnitsOfWork_LeavesEachUnitAllThereOrNotThere_AppendMarkSagaAndOwnRowTogether()
    {
        const int UnitKills = 6;
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var file = new TempDatabase();
        var units = new Dictionary<string, Unit>(StringComparer.Ordinal);
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        int committedUnacknowledged = 0;

        for (int kill = 0; kill < UnitKills; kill++)
        {
            ChildRun run = await RunChildUntilKilledAsync(file.Path, random.Next(0, 150), random.Next(0, 15), "units");
            foreach ((string name, Unit unit) in run.Units)
            {
                units.Add($"{kill}:{name}", unit);
            }

            acknowledged.UnionWith(run.Acknowledged.Select(name => $"{kill}:{name}"));

            // Opening the store recovers the file after the kill (the WAL is replayed).
            await using (new SqliteEventStore(new SqliteStoreOptions { DatabasePath = file.Path, Serializer = TestSerializer.Create() }))
            {
            }

            UnitRows rows = ReadUnitRows(file);
            Assert.Equal("ok", rows.IntegrityCheck);
            int inFlightCommitted = 0;
            foreach ((string name, Unit unit) in units)
            {
                int events = unit.EventIds.Count(rows.EventIds.Contains);
                bool[] parts = [events == unit.EventIds.Length, rows.Marks.Contains(unit.MarkId), rows.Sagas.Contains(unit.SagaId), rows.Ledger.Contains(unit.MarkId)];
                Assert.True(events == 0 || events == unit.EventIds.Length, $"unit {name}: its append is torn, {events} of {unit.EventIds.Length} events stored (seed {seed}).");
                Assert.True(parts.All(p => p) || parts.All(p => !p), $"unit {name} is torn: append {parts[0]}, mark {parts[1]}, saga {parts[2]}, own row {parts[3]} (seed {seed}).");
                Assert.True(parts[0] || !acknowledged.Contains(name), $"acknowledged unit {name} is missing (seed {seed}).");
                inFlightCommitted += parts[0] && !acknowledged.Contains(name) && name.StartsWith($"{kill}:", StringComparison.Ordinal) ? 1 : 0;
            }

            committedUnacknowledged += inFlightCommitted;
            output.WriteLine($"kill {kill + 1}: {run.Acknowledged.Count} units acknowledged, {run.Units.Count - run.Acknowledged.Count} in flight, {inFlightCommitted} of those committed");
        }

        Assert.True(acknowledged.Count > UnitKills, "the child acknowledged almost nothing: the test did not exercise the units.");
    }

    private static void AssertDenseAndGapFree(Stored stored)
    {
        Assert.Equal(Enumerable.Range(1, stored.Rows.Count).Select(p => (long)p), stored.Rows.Select(r => r.Position));
        Assert.Equal(stored.Rows.Count, stored.Ids.Count);
        foreach (IGrouping<string, (long Position, string Stream, long Version, Guid Id)> stream in stored.Rows.GroupBy(r => r.Stream))
        {
            Assert.Equal(Enumerable.Range(0, stream.Count()).Select(v => (long)v), stream.Select(r => r.Version));
        }
    }

    private static Stored ReadEverything(TempDatabase file)
    {
        using SqliteConnection raw = file.OpenRaw();
        using SqliteCommand check = raw.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        string integrity = (string)check.ExecuteScalar()!;
        using SqliteCommand select = raw.CreateCommand();
        select.CommandText = "SELECT position, stream_id, stream_version, event_id FROM events ORDER BY position";
        using SqliteDataReader reader = select.ExecuteReader();
        var rows = new List<(long Position, string Stream, long Version, Guid Id)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetGuid(3)));
        }

        return new Stored(integrity, rows, [.. rows.Select(r => r.Id)]);
    }

    private static UnitRows ReadUnitRows(TempDatabase file)
    {
        using SqliteConnection raw = file.OpenRaw();
        using SqliteCommand check = raw.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        string integrity = (string)check.ExecuteScalar()!;
        return new UnitRows(
            integrity,
            ReadColumn(raw, "SELECT event_id FROM events", r => r.GetGuid(0)),
            ReadColumn(raw, "SELECT event_id FROM inbox WHERE consumer = 'CrashWriter.Handler'", r => r.GetGuid(0)),
            ReadColumn(raw, "SELECT correlation_id FROM sagas WHERE saga_type = 'CrashSaga'", r => r.GetString(0)),
            ReadColumn(raw, "SELECT id FROM crash_ledger", r => r.GetGuid(0)));
    }

    private static HashSet<T> ReadColumn<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read)
    {
        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = sql;
        using SqliteDataReader reader = select.ExecuteReader();
        var values = new HashSet<T>();
        while (reader.Read())
        {
            values.Add(read(reader));
        }

        return values;
    }

    private static async Task<ChildRun> RunChildUntilKilledAsync(string databasePath, int acksBeforeKill, int extraMilliseconds, string mode = "appends")
    {
        var run = new ChildRun();
        var enoughAcks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using Process child = CrashWriterProcess.Start(databasePath, Workers.ToString(System.Globalization.CultureInfo.InvariantCulture), mode);
        Task<string> errors = child.StandardError.ReadToEndAsync();
        Task reading = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                run.Record(line);
                if (run.Ready && run.Acknowledged.Count >= acksBeforeKill)
                {
                    enoughAcks.TrySetResult();
                }
            }

            enoughAcks.TrySetResult();
        });

        Task finished = await Task.WhenAny(enoughAcks.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        if (finished != enoughAcks.Task || child.HasExited)
        {
            child.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the crash writer stopped or stalled before it was killed: {await errors}");
        }

        await Task.Delay(extraMilliseconds);
        child.Kill(entireProcessTree: true);   // SIGKILL: no finally block, no dispose, no flush runs in the child.
        await child.WaitForExitAsync();
        await reading;
        return run;
    }

    private sealed record Unit(Guid[] EventIds, Guid MarkId, string SagaId);

    private sealed record UnitRows(string IntegrityCheck, HashSet<Guid> EventIds, HashSet<Guid> Marks, HashSet<string> Sagas, HashSet<Guid> Ledger);

    private sealed record Stored(string IntegrityCheck, List<(long Position, string Stream, long Version, Guid Id)> Rows, HashSet<Guid> Ids);

    /// <summary>What the child said before it died. A line cut by the kill does not parse and counts as not said.</summary>
    private sealed class ChildRun
    {
        public bool Ready { get; private set; }

        public Dictionary<string, Guid[]> Begun { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Acknowledged { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Unit> Units { get; } = new(StringComparer.Ordinal);

        public void Record(string line)
        {
            string[] parts = line.Split(' ');
            switch (parts)
            {
                case ["READY"]:
                    Ready = true;
                    break;
                case ["BEGIN", string name, string ids]:
                    Guid[] parsed = [.. ids.Split(',').Select(id => Guid.TryParse(id, out Guid g) ? g : Guid.Empty)];
                    if (!parsed.Contains(Guid.Empty))
                    {
                        Begun[name] = parsed;
                    }

                    break;
                case ["UNIT", string name, string ids, string mark, string saga]:
                    Guid[] eventIds = [.. ids.Split(',').Select(id => Guid.TryParse(id, out Guid g) ? g : Guid.Empty)];
                    if (!eventIds.Contains(Guid.Empty) && Guid.TryParse(mark, out Guid markId) && saga.Length == 32)
                    {
                        Units[name] = new Unit(eventIds, markId, saga);
                    }

                    break;
                case ["ACK", string name] when Begun.ContainsKey(name) || Units.ContainsKey(name):
                    Acknowledged.Add(name);
                    break;
            }
        }
    }
}
