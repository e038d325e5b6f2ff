using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Hosting;

/// <summary>
/// The lifetimes the application registered its services with, read from the service collection <c>AddEventDriven</c> was given
/// (complete by the time the container is built and the routes resolve their handlers). The container itself cannot say whether a
/// service is scoped, and that is what the start-up check of singleton handlers needs.
/// </summary>
internal sealed class ServiceRegistrations(IServiceCollection services)
{
    private Dictionary<Type, ServiceLifetime>? _lifetimes;

    /// <summary>The lifetime of the last registration of <paramref name="serviceType"/> (the one the container resolves), if any.</summary>
    public ServiceLifetime? LifetimeOf(Type serviceType)
    {
        Dictionary<Type, ServiceLifetime> lifetimes = _lifetimes ??= Read(services);
        if (lifetimes.TryGetValue(serviceType, out ServiceLifetime lifetime))
        {
            return lifetime;
        }

        // IRepository<Order> registered as the open IRepository<>.
        return serviceType.IsConstructedGenericType && lifetimes.TryGetValue(serviceType.GetGenericTypeDefinition(), out lifetime) ? lifetime : null;
    }

    private static Dictionary<Type, ServiceLifetime> Read(IServiceCollection services)
    {
        var lifetimes = new Dictionary<Type, ServiceLifetime>();
        foreach (ServiceDescriptor descriptor in services)
        {
            if (!descriptor.IsKeyedService)
            {
                lifetimes[descriptor.ServiceType] = descriptor.Lifetime;
            }
        }

        return lifetimes;
    }
}
