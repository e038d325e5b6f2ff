using System.ComponentModel;
using EventDriven.Topology;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Dispatch;

/// <summary>
/// The dispatch table the source generator writes for one assembly. Each assembly with <see cref="EventHandlerAttribute"/> classes
/// contributes one; the bus combines them once, at startup. Not meant to be implemented by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IEventDispatchTable
{
    /// <summary>The assembly the table was generated for.</summary>
    string AssemblyName { get; }

    /// <summary>Event types and their handlers in this assembly.</summary>
    EventTopology Topology { get; }

    /// <summary>Registers every handler of the table in <paramref name="services"/> (without replacing registrations the application made itself).</summary>
    void AddHandlers(IServiceCollection services);

    /// <summary>Resolves the handlers from <paramref name="services"/> and adds one dispatcher per event type to <paramref name="routes"/>.</summary>
    void AddRoutes(EventRouteBuilder routes, IServiceProvider services);
}
