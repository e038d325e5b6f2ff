using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>The generated part of one <c>[Aggregate]</c> class: its factory, its snapshot members and its <c>ApplyEvent</c> switch.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="HintName">The generated file's name, unique per aggregate.</param>
    /// <param name="Namespace">The aggregate's namespace, or null for the global namespace.</param>
    /// <param name="Declarations">The partial declarations to open, outermost first.</param>
    /// <param name="TypeName">The aggregate, fully qualified.</param>
    /// <param name="SnapshotEvery">From the attribute; 0 for none.</param>
    /// <param name="SnapshotType">The <c>TSnapshot</c> of <c>ISnapshotable&lt;TSnapshot&gt;</c>, fully qualified, or null when it takes none.</param>
    /// <param name="Appliers">The switch's cases, in the order they must be tested (most derived first).</param>
    internal sealed record AggregateSpec(
        string HintName,
        string? Namespace,
        EquatableArray<string> Declarations,
        string TypeName,
        int SnapshotEvery,
        string? SnapshotType,
        EquatableArray<ApplierSpec> Appliers);

    /// <summary>One <c>Apply</c> method: the event type it takes, fully qualified, and whether it takes it by <c>in</c>.</summary>
    internal sealed record ApplierSpec(string EventType, bool ByIn);

    /// <summary>The parser's answer for one <c>[Aggregate]</c> class: a spec, or the diagnostics that explain why there is none.</summary>
    internal sealed record AggregateParseResult(AggregateSpec? Spec, EquatableArray<Diagnostics.DiagnosticInfo> Diagnostics);
}
