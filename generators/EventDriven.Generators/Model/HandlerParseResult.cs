using EventDriven.Generators.Diagnostics;
using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>
    /// The parser's answer for one <c>[EventHandler]</c> class: a spec, or the diagnostics that explain why there is none, and the
    /// event types the class brings into the catalog (read whether or not it can go in the table), and
    /// for a saga the IEventHandler glue to write.
    /// </summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    internal sealed record HandlerParseResult(HandlerSpec? Handler, EquatableArray<DiagnosticInfo> Diagnostics, EventTypesParseResult EventTypes, SagaGlueSpec? Saga = null);
}
