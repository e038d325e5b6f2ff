using Mediator;
using Microsoft.Extensions.DependencyInjection;

// Starts the way an application does (container, mediator), publishes one notification and prints, in microseconds since the Unix
// epoch, when its handler ran. benchmarks/startup.sh subtracts the time it started the process.
var services = new ServiceCollection();
services.AddMediator((MediatorOptions options) => options.ServiceLifetime = ServiceLifetime.Singleton);
await using ServiceProvider provider = services.BuildServiceProvider();
IMediator mediator = provider.GetRequiredService<IMediator>();
await mediator.Publish(new AppStarted(Guid.NewGuid()));
Console.WriteLine(FirstEventHandler.HandledAtMicroseconds);

public readonly record struct AppStarted(Guid Id) : INotification;

public sealed class FirstEventHandler : INotificationHandler<AppStarted>
{
    public static long HandledAtMicroseconds { get; private set; }

    public ValueTask Handle(AppStarted notification, CancellationToken cancellationToken)
    {
        HandledAtMicroseconds = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        return default;
    }
}
