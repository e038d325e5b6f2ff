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
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
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
