using System.ComponentModel;
using EventDriven.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Dispatch;

/// <summary>
/// The start-up check the generated table runs before it resolves a handler from the root container (singletons and transients): a
/// scoped dependency there would be one instance captured for the life of the process (a <c>DbContext</c> shared by every event, on
/// every thread) or, with scope validation on, a bare "cannot resolve scoped service from root provider".
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class HandlerLifetimeCheck
{
    /// <summary>
    /// Throws, naming the handler, the scoped service and the fix, when <paramref name="handlerType"/> is registered as scoped or one of
    /// its constructor's <paramref name="dependencies"/> is. Does nothing when the container was not set up by <c>AddEventDriven</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The handler would capture a scoped service.</exception>
    public static void RequireRootResolvable(IServiceProvider services, string handlerName, HandlerLifetime lifetime, Type handlerType, params Type[] dependencies)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(dependencies);
        if (services.GetService(typeof(ServiceRegistrations)) is not ServiceRegistrations registrations)
        {
            return;
        }

        string kind = lifetime == HandlerLifetime.Transient ? "transient" : "singleton";
        if (registrations.LifetimeOf(handlerType) == ServiceLifetime.Scoped)
        {
            throw new InvalidOperationException(
                $"Handler {handlerName} is a {kind} handler, but the application registered {handlerType.FullName} itself as scoped. " +
                $"Mark it [EventHandler(Lifetime = HandlerLifetime.Scoped)] so the bus opens a scope per event, or register it as a singleton.");
        }

        foreach (Type dependency in dependencies)
        {
            if (registrations.LifetimeOf(dependency) == ServiceLifetime.Scoped)
            {
                throw new InvalidOperationException(
                    $"Handler {handlerName} is a {kind} handler, but its constructor takes {dependency.FullName}, which is registered as scoped: " +
                    $"resolved from the root container it would be one instance for the life of the process, shared by every event. " +
                    $"Mark the handler [EventHandler(Lifetime = HandlerLifetime.Scoped)] (a scope per event), or take IServiceScopeFactory and open scopes yourself.");
            }
        }
    }
}
