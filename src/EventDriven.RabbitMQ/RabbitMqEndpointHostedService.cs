using Microsoft.Extensions.Hosting;

namespace EventDriven.RabbitMQ;

/// <summary>Starts the registered <see cref="RabbitMqEndpoint"/> with the host (after the bus, which is registered first).</summary>
internal sealed class RabbitMqEndpointHostedService(RabbitMqEndpoint endpoint) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => endpoint.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => endpoint.StopAsync(cancellationToken);
}
