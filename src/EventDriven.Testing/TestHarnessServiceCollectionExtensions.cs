using EventDriven;
using EventDriven.Reliability;
using EventDriven.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the EventDriven test harness.</summary>
public static class TestHarnessServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EventDrivenTestHarness"/> (a singleton) and puts it between the application and the bus: the
    /// <see cref="IEventBus"/> that handlers, sagas and the test resolve records every event, and the registered
    /// <see cref="IDeadLetterSink"/> is wrapped so dead letters are recorded too (then written as before). Call it after
    /// <c>AddEventDriven()</c> and after registering your own dead-letter sink.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddEventDriven()</c> has not been called on <paramref name="services"/>.</exception>
    public static IServiceCollection AddEventDrivenTestHarness(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(static d => d.ServiceType == typeof(EventBus)))
        {
            throw new InvalidOperationException("AddEventDrivenTestHarness() wraps the bus that AddEventDriven() registers: call services.AddEventDriven(...) first.");
        }

        services.AddSingleton(static sp => new EventDrivenTestHarness(sp));
        Replace(services, typeof(IEventBus), static sp => new HarnessEventBus(sp.GetRequiredService<EventBus>(), sp.GetRequiredService<EventDrivenTestHarness>()));

        ServiceDescriptor? sink = services.LastOrDefault(static d => d.ServiceType == typeof(IDeadLetterSink));
        Func<IServiceProvider, IDeadLetterSink> inner = sink switch
        {
            { ImplementationInstance: IDeadLetterSink instance } => _ => instance,
            { ImplementationFactory: { } factory } => sp => (IDeadLetterSink)factory(sp),
            { ImplementationType: { } type } => sp => (IDeadLetterSink)ActivatorUtilities.CreateInstance(sp, type),
            _ => static _ => new InMemoryDeadLetterSink(),
        };
        Replace(services, typeof(IDeadLetterSink), sp => new RecordingDeadLetterSink(inner(sp), sp.GetRequiredService<EventDrivenTestHarness>()));
        return services;
    }

    private static void Replace(IServiceCollection services, Type serviceType, Func<IServiceProvider, object> factory)
    {
        for (int i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == serviceType)
            {
                services.RemoveAt(i);
            }
        }

        services.AddSingleton(serviceType, factory);
    }
}
