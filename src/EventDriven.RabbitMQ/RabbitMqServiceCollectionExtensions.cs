using EventDriven.Outbox;
using EventDriven.RabbitMQ;
using EventDriven.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the RabbitMQ transport.</summary>
public static class RabbitMqServiceCollectionExtensions
{
    /// <summary>
    /// Connects this service to RabbitMQ: <see cref="RabbitMqOutboxTransport"/> as the <see cref="IOutboxTransport"/> and the outbox
    /// relay, which runs when the store's outbox includes event types (the store may be registered before or after this); and, when <see cref="RabbitMqOptions.Endpoint"/>
    /// is set, the <see cref="RabbitMqEndpoint"/> consuming this service's queue into the bus.
    /// </summary>
    /// <param name="services">The service collection (with <c>AddEventDriven</c> and a store).</param>
    /// <param name="configure">The broker address, the endpoint's name and its settings.</param>
    public static IServiceCollection AddEventDrivenRabbitMQ(this IServiceCollection services, Action<RabbitMqOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RabbitMqOptions();
        configure(options);
        options.Validate();
        services.AddSingleton(options);
        services.TryAddSingleton(static sp => new RabbitMqOutboxTransport(sp.GetRequiredService<RabbitMqOptions>()));
        services.TryAddSingleton<IOutboxTransport>(static sp => sp.GetRequiredService<RabbitMqOutboxTransport>());
        // Runs when the container has an outbox (the store's Outbox options include event types), registered before or after this.
        services.AddOutboxRelay(required: false);

        if (options.Endpoint is not null)
        {
            services.TryAddSingleton(static sp => new RabbitMqEndpoint(
                sp.GetRequiredService<RabbitMqOptions>(),
                sp.GetRequiredService<IEventReceiver>(),
                // Only the handlers this process runs (EventDrivenOptions.Handlers) decide what its queue is bound to.
                sp.GetService<EventDriven.EventDrivenOptions>()?.Handlers.Apply(EventDriven.Topology.EventTopology.Current),
                sp.GetService<OutboxOptions>(),
                sp.GetService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger("EventDriven.RabbitMQ")));
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RabbitMqEndpointHostedService>());
        }

        return services;
    }
}
