using EventDriven.Generators.Diagnostics;
using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>The parser's answer for one <c>[EventHandler]</c> class: a spec, or the diagnostics that explain why there is none.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    internal sealed record HandlerParseResult(HandlerSpec? Handler, EquatableArray<DiagnosticInfo> Diagnostics);
}
