using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>Everything the emitter needs for one assembly.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="AssemblyName">The compilation's assembly name.</param>
    /// <param name="TableClassName">The generated table class name, unique per assembly.</param>
    /// <param name="Handlers">Handlers ordered by display name.</param>
    /// <param name="ReferencedTables">Fully qualified table types of referenced assemblies, ordered.</param>
    /// <param name="DefaultLifetime">The <c>HandlerLifetime</c> of handlers whose own is 0 (see <see cref="AssemblySpec.DefaultLifetime"/>).</param>
    internal sealed record TableSpec(
        string AssemblyName,
        string TableClassName,
        EquatableArray<HandlerSpec> Handlers,
        EquatableArray<string> ReferencedTables,
        int DefaultLifetime = 1)
    {
        /// <summary>The lifetime the handler gets: its own, else the assembly's, else singleton.</summary>
        public int LifetimeOf(HandlerSpec handler) => handler.Lifetime != 0 ? handler.Lifetime : DefaultLifetime != 0 ? DefaultLifetime : 1;
    }
}
