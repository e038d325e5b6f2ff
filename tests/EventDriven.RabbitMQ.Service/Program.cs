// The child process of the RabbitMQ kill tests: a service in miniature, in one of two roles.
//   EventDriven.RabbitMQ.Service relay <database file> <amqp uri> <exchange> <events> <stream prefix>
//     Appends RelayEvents (one per append, over 8 streams named <stream prefix>-order-N) to a SQLite store whose outbox includes
//     them, until the store holds <events>, while an OutboxRelay sends the outbox to RabbitMQ. Restarted after a SIGKILL it goes on
//     from what is stored. Prints READY once started, then DONE and exits 0 once everything is appended and the outbox is empty.
//   EventDriven.RabbitMQ.Service relay-postgres <connection string> <schema> <amqp uri> <exchange>
//     One of several relays over a PostgreSQL schema's outbox (they share its partitions): relays until stdin closes; READY once started.
//   EventDriven.RabbitMQ.Service consume <database file> <amqp uri> <exchange> <queue> <events>
//     A host with the bus, a SQLite store (inbox) and a RabbitMQ endpoint; RelayEffect records each event once, in the inbox's
//     transaction. Prints READY once consuming, "E <number>" per effect recorded, then DONE and exits 0 once <events> effects are.
using EventDriven.RabbitMQ.Child;

return args switch
{
    ["relay", var database, var broker, var exchange, var events, var prefix] => await Roles.RelayAsync(database, new Uri(broker), exchange, int.Parse(events, System.Globalization.CultureInfo.InvariantCulture), prefix),
    ["relay-postgres", var connection, var schema, var broker, var exchange] => await Roles.RelayPostgresAsync(connection, schema, new Uri(broker), exchange),
    ["consume", var database, var broker, var exchange, var queue, var events] => await Roles.ConsumeAsync(database, new Uri(broker), exchange, queue, int.Parse(events, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: EventDriven.RabbitMQ.Service relay <database> <amqp uri> <exchange> <events> <stream prefix> | consume <database> <amqp uri> <exchange> <queue> <events>");
    return 2;
}
