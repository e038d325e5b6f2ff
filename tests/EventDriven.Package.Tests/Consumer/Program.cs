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

Console.WriteLine("done");
