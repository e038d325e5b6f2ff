using EventDriven;
using Microsoft.Extensions.DependencyInjection;

// Starts the way an application does (container, bus), publishes one event inline and prints, in microseconds since the Unix
// epoch, when its handler ran. benchmarks/startup.sh subtracts the time it started the process.
var services = new ServiceCollection();
services.AddEventDriven(options => options.DispatchMode = DispatchMode.Inline);
await using ServiceProvider provider = services.BuildServiceProvider();
IEventBus bus = provider.GetRequiredService<IEventBus>();
await bus.PublishAsync(new AppStarted(Guid.NewGuid()));
Console.WriteLine(FirstEventHandler.HandledAtMicroseconds);

public readonly record struct AppStarted(Guid Id) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "AppStarted";
    public string Source => "Startup";
}

[EventHandler]
public sealed class FirstEventHandler : IEventHandler<AppStarted>
{
    public static long HandledAtMicroseconds { get; private set; }

    public ValueTask HandleAsync(AppStarted @event, CancellationToken cancellationToken = default)
    {
        HandledAtMicroseconds = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        return default;
    }
}
