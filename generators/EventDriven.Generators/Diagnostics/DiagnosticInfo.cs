using System.Linq;
using EventDriven.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Diagnostics
{
    /// <summary>An equatable diagnostic to report later from a separate pipeline output.</summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> MessageArguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location location, params string[] messageArguments)
            => new(descriptor.Id, LocationInfo.From(location), messageArguments.ToEquatableArray());

        public Diagnostic ToDiagnostic()
            => Diagnostic.Create(GeneratorDiagnostics.ById(Id), Location?.ToLocation(), MessageArguments.Cast<object>().ToArray());
    }
}
