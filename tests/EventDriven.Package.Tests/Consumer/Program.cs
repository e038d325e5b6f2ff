using System.Globalization;
using Consumer;
using EventDriven;
using EventDriven.Serialization;
using EventDriven.Store;
using EventDriven.Topology;
using Microsoft.Extensions.DependencyInjection;

// Uses the package exactly as a user would: AddEventDriven() wires the generated table, no host, no scanning.
var services = new ServiceCollection();
services.AddSingleton<Journal>();
services.AddScoped<CheckoutSession>();
services.AddEventDriven();

await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
IEventBus bus = provider.GetRequiredService<IEventBus>();

var order = new OrderPlaced("A-1", 42.50m);
await bus.PublishAsync(order);
var payment = new PaymentCaptured(Guid.NewGuid(), DateTimeOffset.UtcNow, order.OrderNumber, order.Total);
await bus.PublishAsync(payment);

// The default ring-buffer bus returns from PublishAsync once the event is queued; stopping drains it, so every handler has run.
await provider.GetRequiredService<EventBus>().StopAsync();

foreach (EventRouteInfo route in EventTopology.Current.Routes)
{
    Console.WriteLine("topology: " + route);
}

// The generated event type catalog: each event stored under its constant EventType name and read back through JSON metadata
// written at compile time, so this works in the native AOT binary too (reflection-based JSON is disabled there).
var serializer = new JsonEventSerializer();
foreach (IEvent @event in new IEvent[] { order, payment })
{
    SerializedEvent serialized = serializer.Serialize(@event);
    IEvent copy = serializer.Deserialize(new StoredEvent(1, "consumer", 0, @event.Id, serialized.EventType, serialized.SchemaVersion, @event.OccurredAt, null, null, null, serialized.Payload));
    string amount = copy switch
    {
        OrderPlaced placed => placed.OrderNumber + " " + placed.Total.ToString("0.00", CultureInfo.InvariantCulture),
        PaymentCaptured captured => captured.OrderNumber + " " + captured.Amount.ToString("0.00", CultureInfo.InvariantCulture),
        _ => "?",
    };
    Console.WriteLine($"serializer: {serialized.EventType} v{serialized.SchemaVersion} {amount} equal={copy.Equals(@event)}");
}

// Event sourcing: the aggregate's generated switch, its factory and its snapshot through the JSON source generator, then a
// projection over the same store.
var store = new InMemoryEventStore();
var snapshots = new EventDriven.Aggregates.InMemorySnapshotStore();
var accounts = new EventDriven.Aggregates.AggregateRepository(store, new EventDriven.Aggregates.AggregateRepositoryOptions { Snapshots = snapshots });
Account account = await accounts.LoadAsync<Account>("account-1");
account.Open("ada");
account.Deposit(10m);
account.Deposit(2.5m);
await accounts.SaveAsync(account);
Account loaded = await accounts.LoadAsync<Account>("account-1");
Console.WriteLine($"aggregate: {loaded.Owner} {loaded.Balance.ToString("0.00", CultureInfo.InvariantCulture)} v{loaded.Version} snapshot at v{(await snapshots.LoadAsync("account-1"))?.StreamVersion}");
var totals = new DepositTotals();
var runner = new EventDriven.Projections.ProjectionRunner<EventDriven.Projections.InMemoryProjectionWriter>(store, totals, new EventDriven.Projections.InMemoryProjectionCheckpoints());
await runner.CatchUpAsync();
Console.WriteLine($"projection: {totals.Deposits} deposits {totals.Total.ToString("0.00", CultureInfo.InvariantCulture)} checkpoint {runner.Checkpoint}");

Console.WriteLine("done");
