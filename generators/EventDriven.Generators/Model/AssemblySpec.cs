using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>
    /// What the generator reads from the compilation as a whole, in one walk of the referenced assemblies: its name and the generated
    /// tables and catalogs of the assemblies it references.
    /// </summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="ReferencedTables">Fully qualified table types of referenced assemblies, ordered.</param>
    /// <param name="ReferencedCatalogs">Fully qualified catalog types of referenced assemblies, ordered.</param>
    /// <param name="DefaultLifetime">From <c>[assembly: EventHandlerDefaults(Lifetime = ...)]</c>: the <c>HandlerLifetime</c> of handlers that choose none; 1 (singleton) when absent.</param>
    internal sealed record AssemblySpec(string AssemblyName, EquatableArray<string> ReferencedTables, EquatableArray<string> ReferencedCatalogs, int DefaultLifetime = 1);
}
