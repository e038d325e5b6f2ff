using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>What the module initializer registers.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="TableClassName">This assembly's dispatch table, null when it has no handlers.</param>
    /// <param name="CatalogClassName">This assembly's event type catalog, null when it knows no event types.</param>
    /// <param name="ReferencedTables">Fully qualified table types of referenced assemblies, ordered.</param>
    /// <param name="ReferencedCatalogs">Fully qualified catalog types of referenced assemblies, ordered.</param>
    internal sealed record ModuleInitializerSpec(
        string? TableClassName,
        string? CatalogClassName,
        EquatableArray<string> ReferencedTables,
        EquatableArray<string> ReferencedCatalogs);
}
