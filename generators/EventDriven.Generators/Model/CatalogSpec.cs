using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>Everything the catalog emitter needs for one assembly.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="ClassName">The generated catalog class, unique per assembly.</param>
    /// <param name="Events">De-duplicated, ordered by display name.</param>
    internal sealed record CatalogSpec(string AssemblyName, string ClassName, EquatableArray<EventTypeSpec> Events);
}
