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
    /// to the runtime. This file holds only the pipeline; see the Parser and Emitter parts, and <see cref="EventTypeCatalogPipeline"/>
    /// for the catalog, which reads the same look at each handler.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class DispatchTableGenerator : IIncrementalGenerator
    {
        internal const string EventHandlerAttributeName = "EventDriven.EventHandlerAttribute";
        internal const string EventHandlerInterfaceName = "EventDriven.IEventHandler`1";
        internal const string EventInterfaceName = "EventDriven.IEvent";
        internal const string TableAttributeName = "EventDriven.Dispatch.EventDispatchTableAttribute";
        internal const string HandlerDefaultsAttributeName = "EventDriven.EventHandlerDefaultsAttribute";

        /// <summary><c>HandlerLifetime</c> values as the generator reads them from attributes (it cannot reference the runtime).</summary>
        internal const int SingletonLifetime = 1;

        /// <inheritdoc cref="SingletonLifetime"/>
        internal const int ScopedLifetime = 2;

        /// <inheritdoc cref="SingletonLifetime"/>
        internal const int TransientLifetime = 3;

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

            IncrementalValuesProvider<SagaGlueSpec> sagas = parsed
                .Where(static result => result.Saga is not null)
                .Select(static (result, _) => result.Saga!)
                .WithTrackingName(TrackingNames.SagaGlue);
            context.RegisterSourceOutput(sagas, static (output, spec) => SagaGlue.Emit(output, spec));

            IncrementalValuesProvider<AggregateParseResult> aggregates = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    Aggregates.AggregateParser.AttributeName,
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (context, cancellationToken) => Aggregates.AggregateParser.Parse(context, cancellationToken))
                .WithTrackingName(TrackingNames.Aggregates);
            context.RegisterSourceOutput(aggregates, static (output, result) =>
            {
                foreach (DiagnosticInfo diagnostic in result.Diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }

                if (result.Spec is not null)
                {
                    Aggregates.AggregateEmitter.Emit(output, result.Spec);
                }
            });

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
                    GeneratedNames.TableClassName(pair.Right.AssemblyName),
                    pair.Left,
                    pair.Right.ReferencedTables,
                    pair.Right.DefaultLifetime))
                .WithTrackingName(TrackingNames.Table);

            context.RegisterSourceOutput(table, static (output, spec) => Emitter.Emit(output, spec));

            (IncrementalValueProvider<CatalogSpec> catalog, IncrementalValueProvider<EquatableArray<string>> referencedCatalogs) =
                EventTypeCatalogPipeline.Register(context, parsed, assembly);

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
    }
}
