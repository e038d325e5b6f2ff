using EventDriven.Outbox;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the outbox relay.</summary>
public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Runs an <see cref="OutboxRelay"/> as a hosted service, from the store's <see cref="IOutboxSource"/> (registered by
    /// <c>AddEventDrivenSqlite</c> or <c>AddEventDrivenPostgres</c> when their <c>Outbox</c> options include an event type) to the
    /// registered <see cref="IOutboxTransport"/> (e.g. <c>AddEventDrivenRabbitMQ</c>, which calls this). Calling it twice registers one relay.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <remarks>The host fails to start when no <see cref="IOutboxSource"/> or <see cref="IOutboxTransport"/> is registered, with an error that says what to add.</remarks>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services) => services.AddOutboxRelay(required: true);

    /// <summary>
    /// The relay as a transport registers it: it runs when the container has an <see cref="IOutboxSource"/> (whether the store was
    /// registered before or after the transport), and a service that only consumes runs none; <paramref name="required"/> makes a
    /// missing outbox an error at start instead.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="required">True: the host fails to start without an outbox (what <see cref="AddOutboxRelay(IServiceCollection)"/> does).</param>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services, bool required)
    {
        ArgumentNullException.ThrowIfNull(services);
        OutboxRelayActivation? activation = null;
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(OutboxRelayActivation) && descriptor.ImplementationInstance is OutboxRelayActivation existing)
            {
                activation = existing;
            }
        }

        if (activation is null)
        {
            activation = new OutboxRelayActivation();
            services.AddSingleton(activation);
        }

        activation.Required |= required;
        services.TryAddSingleton(static sp => new OutboxRelay(
            sp.GetService<IOutboxSource>() ?? throw new InvalidOperationException(
                "The outbox relay has no outbox to read: include the event types that leave this service in the store's options, e.g. AddEventDrivenSqlite(path, o => o.Outbox.Include<OrderPlaced>())."),
            sp.GetService<IOutboxTransport>() ?? throw new InvalidOperationException(
                "The outbox relay has no transport to send to: register one, e.g. AddEventDrivenRabbitMQ(...)."),
            sp.GetService<OutboxOptions>() ?? new OutboxOptions(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("EventDriven.Outbox")));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxRelayHostedService>());
        return services;
    }
}
