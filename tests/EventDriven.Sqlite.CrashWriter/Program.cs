// The child process of the crash test. Usage: EventDriven.Sqlite.CrashWriter <database path> <workers>
// Each worker appends batches of 1-5 events to its own stream, forever, through one SqliteEventStore (so the batches of all
// workers are group-committed together). Around each append it writes one line to stdout, flushed:
//   BEGIN <worker>-<n> <id>,<id>,...    before the append is handed to the store (the ids it will try to write)
//   ACK <worker>-<n>                    after the store acknowledged it (the commit is done)
// The test kills this process with SIGKILL at a random moment and checks the database against these lines.
using EventDriven.Serialization;
using EventDriven.Sqlite;
using EventDriven.Sqlite.CrashWriter;
using EventDriven.Store;

if (args.Length != 2 || !int.TryParse(args[1], out int workers) || workers < 1)
{
    Console.Error.WriteLine("usage: EventDriven.Sqlite.CrashWriter <database path> <workers>");
    return 2;
}

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

Say("READY");
await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
{
    var random = new Random(worker);
    string stream = "crash-" + worker;
    for (long n = 0; ; n++)
    {
        var batch = new EventToAppend[random.Next(1, 6)];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = new EventToAppend(new CrashEvent(stream, worker, n));
        }

        string name = $"{worker}-{n}";
        Say($"BEGIN {name} {string.Join(',', batch.Select(b => b.Event.Id))}");
        await store.AppendAsync(stream, batch, ExpectedVersion.Any);
        Say($"ACK {name}");
    }
})));
return 0;
