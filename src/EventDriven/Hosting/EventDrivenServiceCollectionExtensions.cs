using System.Diagnostics.Metrics;
using EventDriven;
using EventDriven.Dispatch;
using EventDriven.Hosting;
using EventDriven.Reliability;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers EventDriven in a service collection.</summary>
public static class EventDrivenServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEventBus"/>, every <see cref="EventHandlerAttribute"/> handler of the generated dispatch tables (with its
    /// <see cref="EventHandlerAttribute.Lifetime"/>, unless the application registered the handler type itself) and an <see cref="IHostedService"/> that starts and stops the bus.
    /// No assembly is scanned: the tables were written at compile time.
    /// </summary>
    public static IServiceCollection AddEventDriven(this IServiceCollection services) => services.AddEventDriven(static _ => { });

    /// <inheritdoc cref="AddEventDriven(IServiceCollection)"/>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the <see cref="EventDrivenOptions"/>; calling <c>AddEventDriven</c> again configures the same options.</param>
    public static IServiceCollection AddEventDriven(this IServiceCollection services, Action<EventDrivenOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        EventDrivenOptions? options = null;
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(EventDrivenOptions) && descriptor.ImplementationInstance is EventDrivenOptions existing)
            {
                options = existing;
                break;
            }
        }

        if (options is null)
        {
            options = new EventDrivenOptions();
            services.AddSingleton(options);
        }

        configure(options);
        options.Validate();

        // The bus routes exactly the tables whose handlers were registered here: a table registered later in the process (an assembly
        // loaded after this call) would otherwise be routed without its handlers in the container.
        foreach (IEventDispatchTable table in EventDispatchTables.All)
        {
            if (!options.RegisteredTables.Contains(table))
            {
                table.AddHandlers(services);
                options.RegisteredTables.Add(table);
            }
        }

        // What the start-up check of singleton and transient handlers reads: the container cannot say which services are scoped.
        services.TryAddSingleton(new ServiceRegistrations(services));
        services.TryAddSingleton<IDeadLetterSink>(static _ => new InMemoryDeadLetterSink());
        services.TryAddSingleton(static sp => new EventBus(
            sp.GetRequiredService<EventDrivenOptions>(),
            sp.GetRequiredService<EventDrivenOptions>().RegisteredTables.ToArray(),
            sp,
            sp.GetRequiredService<IDeadLetterSink>(),
            sp.GetService<IMeterFactory>(),
            // Resolved only when the bus stores events: resolving a durable store opens its database.
            sp.GetRequiredService<EventDrivenOptions>().EventStorage == EventStorage.None ? null : sp.GetService<IEventStore>()));
        services.TryAddSingleton<IEventBus>(static sp => sp.GetRequiredService<EventBus>());
        services.TryAddSingleton<EventDriven.Transport.IEventReceiver>(static sp => sp.GetRequiredService<EventBus>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventBusHostedService>(static sp => new EventBusHostedService(sp.GetRequiredService<EventBus>())));
        return services;
    }
}
