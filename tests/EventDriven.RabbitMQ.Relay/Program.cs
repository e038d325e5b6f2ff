// The child process of the RabbitMQ kill tests. Usage:
//   EventDriven.RabbitMQ.Relay <database file> <amqp uri> <exchange> <events> <stream prefix>
// A service in miniature: appends RelayEvents (one per append, over 8 streams named <stream prefix>-order-N) to a SQLite store whose outbox includes them, until
// the store holds <events>, while an OutboxRelay sends the outbox to RabbitMQ. Restarted after a SIGKILL it goes on from what is
// stored. Prints READY once started, then DONE and exits 0 once everything is appended and the outbox is empty.
using EventDriven.Outbox;
using EventDriven.RabbitMQ;
using EventDriven.RabbitMQ.Relay;
using EventDriven.Serialization;
using EventDriven.Sqlite;
using EventDriven.Store;

if (args.Length != 5 || !int.TryParse(args[3], out int total) || total < 1)
{
    Console.Error.WriteLine("usage: EventDriven.RabbitMQ.Relay <database file> <amqp uri> <exchange> <events> <stream prefix>");
    return 2;
}

var registry = new EventTypeRegistry([]).Add("RelayEvent", 1, RelayJsonContext.Default.RelayEvent);
var options = new SqliteStoreOptions { DatabasePath = args[0], Serializer = new JsonEventSerializer(registry) };
options.Outbox.Include("RelayEvent");
options.Outbox.BatchSize = 50;
options.Outbox.MinRetryDelay = TimeSpan.FromMilliseconds(20);
options.Outbox.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
await using var store = new SqliteEventStore(options);
await using var outbox = new SqliteOutbox(options);
await using var transport = new RabbitMqOutboxTransport(new RabbitMqOptions { Uri = new Uri(args[1]), Exchange = args[2] });
var relay = new OutboxRelay(outbox, transport, options.Outbox);
using var stop = new CancellationTokenSource();
Task relaying = relay.RunAsync(stop.Token);
Console.WriteLine("READY");

for (long next = await store.GetLastPositionAsync(); next < total; next++)
{
    var @event = new RelayEvent($"{args[4]}-order-{next % 8}", next);
    await store.AppendAsync(@event.StreamId, [new EventToAppend(@event)], ExpectedVersion.Any);
}

while (await outbox.CountPendingAsync(default) > 0)
{
    await Task.Delay(20);
}

await stop.CancelAsync();
await relaying;
Console.WriteLine("DONE");
return 0;
