using System.Collections.Immutable;
using System.Linq;
using EventDriven.Generators.Diagnostics;
using EventDriven.Generators.Helpers;
using EventDriven.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Generators
{
    /// <summary>
    /// The event type catalog's own pipeline: stable names, schema versions and AOT-safe JSON metadata of every event type an
    /// <c>[EventHandler]</c> class handles or publishes, and of every event type declared in the compilation (EDG007-EDG009 included). This file holds only the pipeline; see the Parser
    /// and Emitter parts and <see cref="JsonTypeGraph"/>.
    /// </summary>
    /// <remarks>
    /// It runs inside <see cref="DispatchTableGenerator"/>, fed by that generator's one look at each <c>[EventHandler]</c> class and
    /// its one walk of the referenced assemblies, rather than as a second <c>[Generator]</c>: generators cannot share pipeline steps,
    /// so a second one would walk every handler's publish calls and every referenced assembly again, and the one module initializer
    /// that registers table and catalog together needs both specs.
    /// </remarks>
    internal static partial class EventTypeCatalogPipeline
    {
        internal const string EventSchemaVersionAttributeName = "EventDriven.EventSchemaVersionAttribute";
        internal const string CatalogAttributeName = "EventDriven.Serialization.EventTypeCatalogAttribute";

        /// <summary>Adds the catalog's outputs; returns what the module initializer registers for catalogs.</summary>
        public static (IncrementalValueProvider<CatalogSpec> Catalog, IncrementalValueProvider<EquatableArray<string>> ReferencedCatalogs) Register(
            IncrementalGeneratorInitializationContext context,
            IncrementalValuesProvider<HandlerParseResult> handlers,
            IncrementalValueProvider<AssemblySpec> assembly)
        {
            IncrementalValueProvider<ImmutableArray<EventTypesParseResult>> handled = handlers
                .Select(static (result, _) => result.EventTypes)
                .WithTrackingName(TrackingNames.EventTypes)
                .Collect();

            // Every IEvent declared here, handled or not: an event type used only with the store needs its name and metadata too.
            IncrementalValueProvider<ImmutableArray<EventTypesParseResult>> declared = context.SyntaxProvider
                .CreateSyntaxProvider(
                    static (node, _) => node is TypeDeclarationSyntax { BaseList: not null } and (ClassDeclarationSyntax or RecordDeclarationSyntax or StructDeclarationSyntax),
                    static (syntax, cancellationToken) => syntax.SemanticModel.GetDeclaredSymbol(syntax.Node, cancellationToken) is INamedTypeSymbol type
                        ? Parser.ParseDeclared(type, syntax.SemanticModel.Compilation, cancellationToken)
                        : EventTypesParseResult.Empty)
                .Where(static result => result.Events.Count > 0)
                .WithTrackingName(TrackingNames.DeclaredEventTypes)
                .Collect();

            IncrementalValueProvider<ImmutableArray<EventTypesParseResult>> eventTypes = handled
                .Combine(declared)
                .Select(static (pair, _) => pair.Left.AddRange(pair.Right));

            IncrementalValueProvider<CatalogSpec> catalog = eventTypes
                .Combine(assembly)
                .Select(static (pair, _) => new CatalogSpec(
                    pair.Right.AssemblyName,
                    GeneratedNames.CatalogClassName(pair.Right.AssemblyName),
                    pair.Left
                        .SelectMany(static result => result.Events)
                        .GroupBy(static e => e.TypeName, System.StringComparer.Ordinal)
                        .Select(static group => group.First())
                        .OrderBy(static e => e.DisplayName, System.StringComparer.Ordinal)
                        .ToEquatableArray()))
                .WithTrackingName(TrackingNames.Catalog);
            context.RegisterSourceOutput(catalog, static (output, spec) => Emitter.Emit(output, spec));

            IncrementalValueProvider<EquatableArray<DiagnosticInfo>> diagnostics = eventTypes
                .Select(static (results, _) => Diagnostics(results))
                .WithTrackingName(TrackingNames.CatalogDiagnostics);
            context.RegisterSourceOutput(diagnostics, static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

            IncrementalValueProvider<EquatableArray<string>> referencedCatalogs = assembly
                .Select(static (spec, _) => spec.ReferencedCatalogs)
                .WithTrackingName(TrackingNames.ReferencedCatalogs);
            return (catalog, referencedCatalogs);
        }

        /// <summary>
        /// EDG007 and EDG008 once per event type however many handlers name it, and EDG009 on every event type whose constant name an
        /// event type earlier in ordinal order already has.
        /// </summary>
        private static EquatableArray<DiagnosticInfo> Diagnostics(ImmutableArray<EventTypesParseResult> results)
        {
            var diagnostics = results.SelectMany(static r => r.Diagnostics).Distinct().ToList();
            foreach (IGrouping<string, EventNameSite> sameName in results
                .SelectMany(static r => r.Names)
                .GroupBy(static n => n.DisplayName, System.StringComparer.Ordinal)
                .Select(static g => g.First())
                .GroupBy(static n => n.Name, System.StringComparer.Ordinal)
                .Where(static g => g.Count() > 1))
            {
                EventNameSite[] sites = sameName.OrderBy(static n => n.DisplayName, System.StringComparer.Ordinal).ToArray();
                for (int i = 1; i < sites.Length; i++)
                {
                    diagnostics.Add(new DiagnosticInfo(
                        GeneratorDiagnostics.DuplicateEventTypeNameId,
                        sites[i].Location,
                        new[] { sites[i].DisplayName, sites[0].DisplayName, sites[i].Name }.ToEquatableArray()));
                }
            }

            return diagnostics.ToEquatableArray();
        }
    }
}
