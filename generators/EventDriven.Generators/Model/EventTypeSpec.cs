using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>One event type of the assembly's catalog: its stable name, schema version and JSON metadata.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="TypeName">Fully qualified, e.g. <c>global::Shop.OrderPlaced</c>.</param>
    /// <param name="DisplayName">Full name without <c>global::</c>; the sort key.</param>
    /// <param name="Name">The constant its <c>EventType</c> property returns, or null when that is not a compile-time constant.</param>
    /// <param name="SchemaVersion">From <c>[EventSchemaVersion]</c>, 1 when absent.</param>
    /// <param name="JsonTypes">
    /// The metadata of the event and of every type it reaches, ordered by type name; empty when some member cannot be described
    /// (EDG007), so the runtime falls back to the user's resolver for the whole event.
    /// </param>
    internal sealed record EventTypeSpec(
        string TypeName,
        string DisplayName,
        string? Name,
        int SchemaVersion,
        EquatableArray<JsonTypeSpec> JsonTypes);
}
