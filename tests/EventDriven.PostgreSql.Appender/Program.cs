// The child process of the PostgreSQL tests. Usage:
//   EventDriven.PostgreSql.Appender <connection string> <schema> <process name> <workers> <batches per worker, or 0 for forever>
// Each worker appends batches of 1-5 events through one PostgresEventStore (so the batches of all workers are group-committed
// together): to its own stream with the exact expected version it knows, and every third batch to the stream "shared", which
// every worker of every process appends to with ExpectedVersion.Any. Around each append it writes one line to stdout, flushed:
//   BEGIN <process>-<worker>-<n> <id>,<id>,...    before the append is handed to the store (the ids it will try to write)
//   ACK <process>-<worker>-<n>                    after the store acknowledged it (the commit is done)
// It exits 0 once every worker has appended its batches; a test may also kill it with SIGKILL at any moment.
using EventDriven.PostgreSql;
using EventDriven.PostgreSql.Appender;
using EventDriven.Serialization;
using EventDriven.Store;

if (args.Length != 5 || !int.TryParse(args[3], out int workers) || workers < 1 || !int.TryParse(args[4], out int batches) || batches < 0)
{
    Console.Error.WriteLine("usage: EventDriven.PostgreSql.Appender <connection string> <schema> <process name> <workers> <batches per worker, 0 = forever>");
    return 2;
}

string process = args[2];
var registry = new EventTypeRegistry([]).Add("AppenderEvent", 1, AppenderJsonContext.Default.AppenderEvent);
await using var store = new PostgresEventStore(new PostgresStoreOptions { ConnectionString = args[0], Schema = args[1], Serializer = new JsonEventSerializer(registry) });
await store.EnsureCreatedAsync();
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
    var random = new Random(HashCode.Combine(process, worker));
    string own = $"{process}-w{worker}";
    long version = await store.GetStreamVersionAsync(own);
    for (long n = 0; batches == 0 || n < batches; n++)
    {
        bool shared = n % 3 == 2;
        string stream = shared ? "shared" : own;
        var batch = new EventToAppend[random.Next(1, 6)];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = new EventToAppend(new AppenderEvent(stream, own, n));
        }

        string name = $"{own}-{n}";
        Say($"BEGIN {name} {string.Join(',', batch.Select(b => b.Event.Id))}");
        AppendResult result = await store.AppendAsync(stream, batch, shared ? ExpectedVersion.Any : ExpectedVersion.Exactly(version));
        if (!shared)
        {
            version = result.StreamVersion;
        }

        Say($"ACK {name}");
    }
})));

return 0;
