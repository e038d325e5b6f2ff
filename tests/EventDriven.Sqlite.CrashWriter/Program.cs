// The child process of the crash tests. Usage: EventDriven.Sqlite.CrashWriter <database path> <workers> [appends|units]
// appends (the default): each worker appends batches of 1-5 events to its own stream, forever, through one SqliteEventStore (so
// the batches of all workers are group-committed together). Around each append it writes one line to stdout, flushed:
//   BEGIN <worker>-<n> <id>,<id>,...    before the append is handed to the store (the ids it will try to write)
//   ACK <worker>-<n>                    after the store acknowledged it (the commit is done)
// units: each worker commits units of work, forever: an append of 1-3 events, an inbox mark, a saga save and a row of its own table
// (crash_ledger), all in one transaction:
//   UNIT <worker>-<n> <id>,<id>,... <mark event id> <saga correlation id>    before the unit is committed
//   ACK <worker>-<n>                                                         after the commit
// seed: appends <count> events (args[3]) over <workers> streams, then exits.
// project | rebuild: runs the balances projection (ProjectedBalances.cs) with batches of args[3] events to the head of the store
// (rebuild: from position 0), writing from inside its Apply, flushed:
//   APPLIED <position>                 for every event it applies (inside the batch's transaction, before the commit)
//   STALLED <position>                 when it reached position args[4] (if given): it then waits there, inside the transaction
//   CAUGHT-UP <checkpoint>             once a read finds nothing new; then it exits
// The test kills this process with SIGKILL at a random moment and checks the database against these lines.
using EventDriven.Projections;
using EventDriven.Sagas;
using EventDriven.Serialization;
using EventDriven.Sqlite;
using EventDriven.Sqlite.CrashWriter;
using EventDriven.Sqlite.Projections;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

string mode = args.Length >= 3 ? args[2] : "appends";
if (args.Length is < 2 or > 5 || !int.TryParse(args[1], out int workers) || workers < 1
    || mode is not ("appends" or "units" or "seed" or "project" or "rebuild")
    || (mode is "seed" or "project" or "rebuild") != (args.Length >= 4)
    || (args.Length == 5 && mode is not ("project" or "rebuild")))
{
    Console.Error.WriteLine("usage: EventDriven.Sqlite.CrashWriter <database path> <workers> [appends|units | seed <count> | project <batch> [stall at] | rebuild <batch> [stall at]]");
    return 2;
}

bool units = mode == "units";
var registry = new EventTypeRegistry([]).Add("CrashEvent", 1, CrashJsonContext.Default.CrashEvent);
var storeOptions = new SqliteStoreOptions { DatabasePath = args[0], Serializer = new JsonEventSerializer(registry) };
await using var store = new SqliteEventStore(storeOptions);
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
var outputGate = new Lock();

if (mode == "seed")
{
    // One task per stream, so the store's writer commits their appends in groups.
    int count = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
    {
        var seedRandom = new Random(worker);
        int share = count / workers + (worker < count % workers ? 1 : 0);
        for (int written = 0; written < share;)
        {
            var batch = new EventToAppend[Math.Min(share - written, seedRandom.Next(1, 50))];
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i] = new EventToAppend(new CrashEvent("crash-" + worker, worker, written + i));
            }

            await store.AppendAsync("crash-" + worker, batch, ExpectedVersion.Any);
            written += batch.Length;
        }
    })));
    return 0;
}

if (mode is "project" or "rebuild")
{
    int batchSize = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    await using var checkpoints = new SqliteProjectionCheckpoints(storeOptions);
    long stallAt = args.Length == 5 ? long.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 0;
    var projection = new ProjectedBalances(position =>
    {
        output.WriteLine("APPLIED " + position.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (position == stallAt)
        {
            // Inside the batch's transaction, before its commit: the test kills the process here.
            output.WriteLine("STALLED " + position.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Thread.Sleep(Timeout.Infinite);
        }
    });
    var runner = new ProjectionRunner<SqliteProjectionWriter>(store, projection, checkpoints, new ProjectionRunnerOptions { BatchSize = batchSize });
    output.WriteLine("READY");
    await (mode == "rebuild" ? runner.RebuildAsync() : runner.CatchUpAsync());
    output.WriteLine("CAUGHT-UP " + runner.Checkpoint.ToString(System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

void Say(string line)
{
    lock (outputGate)
    {
        output.WriteLine(line);
    }
}

if (units)
{
    await store.BeginUnitOfWork().Execute(static (connection, transaction) =>
    {
        using SqliteCommand create = connection.CreateCommand();
        create.Transaction = transaction;
        create.CommandText = "CREATE TABLE IF NOT EXISTS crash_ledger (id BLOB PRIMARY KEY)";
        create.ExecuteNonQuery();
    }).CommitAsync();
}

Say("READY");
await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
{
    var random = new Random(worker);
    string stream = "crash-" + worker;
    for (long n = 0; ; n++)
    {
        var batch = new EventToAppend[random.Next(1, units ? 4 : 6)];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = new EventToAppend(new CrashEvent(stream, worker, n));
        }

        string name = $"{worker}-{n}";
        string ids = string.Join(',', batch.Select(b => b.Event.Id));
        if (!units)
        {
            Say($"BEGIN {name} {ids}");
            await store.AppendAsync(stream, batch, ExpectedVersion.Any);
            Say($"ACK {name}");
            continue;
        }

        Guid handled = Guid.NewGuid();
        string saga = Guid.NewGuid().ToString("N");
        Say($"UNIT {name} {ids} {handled} {saga}");
        await store.BeginUnitOfWork()
            .Append(stream, batch, ExpectedVersion.Any)
            .MarkHandled("CrashWriter.Handler", handled)
            .SaveSaga(new SagaRecord("CrashSaga", saga, 1, SagaStatus.Running, "{}"u8.ToArray(), null, DateTimeOffset.UnixEpoch), expectedRevision: 0)
            .Execute((connection, transaction) =>
            {
                using SqliteCommand insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO crash_ledger (id) VALUES ($id)";
                insert.Parameters.Add("$id", SqliteType.Blob).Value = handled;
                insert.ExecuteNonQuery();
            })
            .CommitAsync();
        Say($"ACK {name}");
    }
})));
return 0;
