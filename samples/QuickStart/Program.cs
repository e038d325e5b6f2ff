using EventDriven;
using EventDriven.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuickStart;

// The smallest complete EventDriven program: handlers are found at compile time, wired by AddEventDriven(), run by the host.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton<Journal>();
builder.Services.AddEventDriven();

using IHost host = builder.Build();
await host.StartAsync();

IEventBus bus = host.Services.GetRequiredService<IEventBus>();
await bus.PublishAsync(new OrderSubmitted(Guid.NewGuid(), 42.50m));

// The default bus hands events to a ring buffer and returns; stopping the host drains it, so every handler has run after this.
await host.StopAsync();

foreach (string line in host.Services.GetRequiredService<Journal>().Lines)
{
    Console.WriteLine(line);
}

Console.WriteLine();
Console.WriteLine("Event flow (Mermaid, from the generated topology manifest):");
Console.WriteLine(EventTopology.Current.ToMermaid());
