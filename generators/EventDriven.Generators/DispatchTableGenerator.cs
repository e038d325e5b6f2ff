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
    /// Writes the static dispatch table of an assembly: for every event type, a dispatcher that calls each <c>[EventHandler]</c>
    /// handler directly on its concrete type, plus the DI registration, the topology manifest, the event type catalog (stable names
    /// and AOT-safe JSON metadata of every event type handled or published) and the module initializer that hands table and catalog
    /// to the runtime. This file holds only the pipeline; see the Parser, Emitter, CatalogParser and CatalogEmitter parts.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class DispatchTableGenerator : IIncrementalGenerator
    {
        internal const string EventHandlerAttributeName = "EventDriven.EventHandlerAttribute";
        internal const string EventHandlerInterfaceName = "EventDriven.IEventHandler`1";
        internal const string EventBusInterfaceName = "EventDriven.IEventBus";
        internal const string EventInterfaceName = "EventDriven.IEvent";
        internal const string TableAttributeName = "EventDriven.Dispatch.EventDispatchTableAttribute";

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<HandlerParseResult> parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    EventHandlerAttributeName,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
                .WithTrackingName(TrackingNames.Handlers);

            IncrementalValuesProvider<DiagnosticInfo> diagnostics = parsed
                .SelectMany(static (result, _) => result.Diagnostics)
                .WithTrackingName(TrackingNames.HandlerDiagnostics);
            context.RegisterSourceOutput(diagnostics, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));

            IncrementalValueProvider<EquatableArray<HandlerSpec>> handlers = parsed
                .Where(static result => result.Handler is not null)
                .Select(static (result, _) => result.Handler!)
                .WithTrackingName(TrackingNames.HandlerSpecs)
                .Collect()
                .Select(static (specs, _) => specs
                    .GroupBy(static spec => spec.TypeName)
                    .Select(static group => group.First())
                    .OrderBy(static spec => spec.DisplayName, System.StringComparer.Ordinal)
                    .ToEquatableArray());

            IncrementalValueProvider<AssemblySpec> assembly = context.CompilationProvider
                .Select(static (compilation, cancellationToken) => Parser.ParseAssembly(compilation, cancellationToken))
                .WithTrackingName(TrackingNames.AssemblyInfo);

            IncrementalValueProvider<TableSpec> table = handlers
                .Combine(assembly)
                .Select(static (pair, _) => new TableSpec(
                    pair.Right.AssemblyName,
                    Emitter.TableClassName(pair.Right.AssemblyName),
                    pair.Left,
                    pair.Right.ReferencedTables))
                .WithTrackingName(TrackingNames.Table);

            context.RegisterSourceOutput(table, static (output, spec) => Emitter.Emit(output, spec));

            // The event type catalog: a second look at the same [EventHandler] classes, so the dispatch-table specs stay as they are.
            IncrementalValuesProvider<EventTypesParseResult> eventTypes = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    EventHandlerAttributeName,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    static (context, cancellationToken) => CatalogParser.Parse(context, cancellationToken))
                .WithTrackingName(TrackingNames.EventTypes);
            IncrementalValueProvider<ImmutableArray<EventTypesParseResult>> allEventTypes = eventTypes.Collect();

            IncrementalValueProvider<CatalogSpec> catalog = allEventTypes
                .Combine(assembly)
                .Select(static (pair, _) => new CatalogSpec(
                    pair.Right.AssemblyName,
                    CatalogEmitter.CatalogClassName(pair.Right.AssemblyName),
                    pair.Left
                        .SelectMany(static result => result.Events)
                        .GroupBy(static e => e.TypeName, System.StringComparer.Ordinal)
                        .Select(static group => group.First())
                        .OrderBy(static e => e.DisplayName, System.StringComparer.Ordinal)
                        .ToEquatableArray()))
                .WithTrackingName(TrackingNames.Catalog);
            context.RegisterSourceOutput(catalog, static (output, spec) => CatalogEmitter.Emit(output, spec));

            IncrementalValueProvider<EquatableArray<DiagnosticInfo>> catalogDiagnostics = allEventTypes
                .Select(static (results, _) => CatalogDiagnostics(results))
                .WithTrackingName(TrackingNames.CatalogDiagnostics);
            context.RegisterSourceOutput(catalogDiagnostics, static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

            IncrementalValueProvider<EquatableArray<string>> referencedCatalogs = context.CompilationProvider
                .Select(static (compilation, cancellationToken) => CatalogParser.ParseReferencedCatalogs(compilation, cancellationToken))
                .WithTrackingName(TrackingNames.ReferencedCatalogs);

            IncrementalValueProvider<ModuleInitializerSpec> initializer = table
                .Combine(catalog)
                .Combine(referencedCatalogs)
                .Select(static (pair, _) => new ModuleInitializerSpec(
                    pair.Left.Left.Handlers.Count > 0 ? pair.Left.Left.TableClassName : null,
                    pair.Left.Right.Events.Count > 0 ? pair.Left.Right.ClassName : null,
                    pair.Left.Left.ReferencedTables,
                    pair.Right))
                .WithTrackingName(TrackingNames.ModuleInitializer);
            context.RegisterSourceOutput(initializer, static (output, spec) => ModuleInitializerEmitter.Emit(output, spec));
        }

        /// <summary>
        /// EDG007 and EDG008 once per event type however many handlers name it, and EDG009 on every event type whose constant name an
        /// event type earlier in ordinal order already has.
        /// </summary>
        private static EquatableArray<DiagnosticInfo> CatalogDiagnostics(ImmutableArray<EventTypesParseResult> results)
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
