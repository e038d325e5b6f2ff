using Consumer;
using EventDriven;
using Microsoft.Extensions.DependencyInjection;

// Uses the package exactly as a user would: AddEventDriven() wires the generated table, no host, no scanning.
var services = new ServiceCollection();
services.AddSingleton<Journal>();
services.AddEventDriven();

await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
IEventBus bus = provider.GetRequiredService<IEventBus>();

var order = new OrderPlaced("A-1", 42.50m);
await bus.PublishAsync(order);
await bus.PublishAsync(new PaymentCaptured(Guid.NewGuid(), DateTimeOffset.UtcNow, order.OrderNumber, order.Total));

// The default ring-buffer bus returns from PublishAsync once the event is queued; stopping drains it, so every handler has run.
await provider.GetRequiredService<EventBus>().StopAsync();

foreach (EventRouteInfo route in EventTopology.Current.Routes)
{
    Console.WriteLine("topology: " + route);
}

Console.WriteLine("done");
