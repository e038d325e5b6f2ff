// The child process of the crash tests. Usage: EventDriven.Sqlite.CrashWriter <database path> <workers> [appends|units]
// appends (the default): each worker appends batches of 1-5 events to its own stream, forever, through one SqliteEventStore (so
// the batches of all workers are group-committed together). Around each append it writes one line to stdout, flushed:
//   BEGIN <worker>-<n> <id>,<id>,...    before the append is handed to the store (the ids it will try to write)
//   ACK <worker>-<n>                    after the store acknowledged it (the commit is done)
// units: each worker commits units of work, forever: an append of 1-3 events, an inbox mark, a saga save and a row of its own table
// (crash_ledger), all in one transaction:
//   UNIT <worker>-<n> <id>,<id>,... <mark event id> <saga correlation id>    before the unit is committed
//   ACK <worker>-<n>                                                         after the commit
// The test kills this process with SIGKILL at a random moment and checks the database against these lines.
using EventDriven.Sagas;
using EventDriven.Serialization;
using EventDriven.Sqlite;
using EventDriven.Sqlite.CrashWriter;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

if (args.Length is < 2 or > 3 || !int.TryParse(args[1], out int workers) || workers < 1 || (args.Length == 3 && args[2] is not ("appends" or "units")))
{
    Console.Error.WriteLine("usage: EventDriven.Sqlite.CrashWriter <database path> <workers> [appends|units]");
    return 2;
}

bool units = args.Length == 3 && args[2] == "units";
var registry = new EventTypeRegistry([]).Add("CrashEvent", 1, CrashJsonContext.Default.CrashEvent);
await using var store = new SqliteEventStore(new SqliteStoreOptions { DatabasePath = args[0], Serializer = new JsonEventSerializer(registry) });
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
var outputGate = new Lock();

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
