using Microsoft.Extensions.Hosting;

namespace EventDriven.Hosting;

/// <summary>Starts and stops the <see cref="EventBus"/> with a generic host.</summary>
internal sealed class EventBusHostedService(EventBus bus) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => bus.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => bus.StopAsync(cancellationToken);
}
