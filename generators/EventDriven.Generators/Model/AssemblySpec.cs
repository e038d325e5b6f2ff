using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>What the generator reads from the compilation as a whole: its name and the generated tables of referenced assemblies.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    internal sealed record AssemblySpec(string AssemblyName, EquatableArray<string> ReferencedTables);
}
