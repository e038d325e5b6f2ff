using EventDriven.Generators.Diagnostics;
using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>The event types one <c>[EventHandler]</c> class handles or publishes, with what the catalog needs to know of them.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="Events">Ordered by display name.</param>
    /// <param name="Names">Where each constant name is declared, for the duplicate-name check (EDG009).</param>
    /// <param name="Diagnostics">EDG007 and EDG008 for these events.</param>
    internal sealed record EventTypesParseResult(
        EquatableArray<EventTypeSpec> Events,
        EquatableArray<EventNameSite> Names,
        EquatableArray<DiagnosticInfo> Diagnostics)
    {
        /// <summary>No event types: what a compilation without the EventDriven contracts gives.</summary>
        public static readonly EventTypesParseResult Empty = new(
            EquatableArray<EventTypeSpec>.Empty, EquatableArray<EventNameSite>.Empty, EquatableArray<DiagnosticInfo>.Empty);
    }
}
