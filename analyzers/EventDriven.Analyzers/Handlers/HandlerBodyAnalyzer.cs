using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace EventDriven.Analyzers.Handlers
{
    /// <summary>
    /// The rules about what a handler does while it handles an event: ED0004 (non-idempotent effects), ED0005 (in-memory
    /// deduplication), ED0006 (non-deterministic derived events), ED0007 (blocking calls) and ED0008 (async void). This file holds
    /// the pipeline; <c>.Candidates</c> the syntactic filter, <c>.HandlerInfo</c> what is known about a handler class, and each rule's
    /// detection is in its own part.
    /// </summary>
    /// <remarks>
    /// "What the handler does" is the body of each <c>HandleAsync</c> the class declares plus every method of the same class those
    /// bodies call, directly or through other methods of the class (lambdas and local functions included). Calls into other types
    /// are not followed: the rules judge the handler's own code.
    /// <para>
    /// Performance: syntax actions with a syntactic filter, then the operation of the few nodes that pass, and local diagnostics
    /// reported at once. Operation actions would make the compiler build and bind the operation tree of every method body in the
    /// project, and a symbol-start action per type costs the analyzer driver more than the analysis itself (both measured; see
    /// docs/diagnostics/README.md).
    /// </para>
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed partial class HandlerBodyAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.NonIdempotentHandler,
            DiagnosticDescriptors.InMemoryDeduplication,
            DiagnosticDescriptors.NonDeterministicDerivedEvent,
            DiagnosticDescriptors.BlockingCall,
            DiagnosticDescriptors.AsyncVoid);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start =>
            {
                if (WellKnownTypes.TryCreate(start.Compilation) is not { } types)
                {
                    return;
                }

                var handlers = new HandlerCache(types);
                start.RegisterSyntaxNodeAction(handlers.AnalyzeNode, CandidateKinds);
                start.RegisterSymbolAction(handlers.AnalyzeMethod, SymbolKind.Method);
            });
        }

        /// <summary>Per compilation: what is known about each class seen so far, and the rules applied to candidate nodes.</summary>
        private sealed class HandlerCache(WellKnownTypes types)
        {
            private readonly ConcurrentDictionary<INamedTypeSymbol, HandlerInfo?> _handlers = new(SymbolEqualityComparer.Default);
            private readonly ConcurrentDictionary<string, bool> _randomDefaults = new(System.StringComparer.Ordinal);
            private readonly CalleeSummaries _callees = new(types);

            public void AnalyzeNode(SyntaxNodeAnalysisContext context)
            {
                Candidate candidate = Classify(context.Node);
                if (candidate == Candidate.None)
                {
                    return;
                }

                ISymbol? member = context.ContainingSymbol;
                while (member is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
                {
                    member = member.ContainingSymbol;
                }

                if (member is not IMethodSymbol method
                    || Handler(method.ContainingType) is not { } handler
                    || !handler.IsReachable(method, context.SemanticModel, context.CancellationToken))
                {
                    return;
                }

                switch (candidate)
                {
                    case Candidate.AsyncFunction:
                        Report(context, AsyncVoidFunction(context.Node, context.SemanticModel, types, context.CancellationToken));
                        return;
                    case Candidate.Write:
                        if (handler.CheckAccumulation && context.SemanticModel.GetOperation(context.Node, context.CancellationToken) is { } write
                            && (AccumulationOf(write) ?? LoadedEntityAccumulation(write)) is { } accumulation
                            && !handler.DeduplicatesInMemory(context.SemanticModel, context.CancellationToken))
                        {
                            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonIdempotentHandler, write.Syntax.GetLocation(), handler.Name, accumulation));
                        }

                        return;
                    case Candidate.Creation when !MayCreateEventWithRandomDefaults(context.Node, types, _randomDefaults):
                        return;
                    case Candidate.Call:
                        if (handler.CheckAccumulation
                            && context.SemanticModel.GetOperation(context.Node, context.CancellationToken) is IInvocationOperation call
                            && _callees.Of(call, method.ContainingType, context.CancellationToken) is { } delegated
                            && !handler.DeduplicatesInMemory(context.SemanticModel, context.CancellationToken))
                        {
                            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonIdempotentHandler, call.Syntax.GetLocation(), handler.Name, delegated));
                        }

                        return;
                }

                switch (context.SemanticModel.GetOperation(context.Node, context.CancellationToken))
                {
                    case IInvocationOperation invocation:
                        if (handler.CheckAccumulation
                            && (AccumulationOf(invocation, types) ?? HttpPostSendOf(invocation, types) ?? _callees.Of(invocation, method.ContainingType, context.CancellationToken)) is { } accumulation
                            && !handler.DeduplicatesInMemory(context.SemanticModel, context.CancellationToken))
                        {
                            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonIdempotentHandler, invocation.Syntax.GetLocation(), handler.Name, accumulation));
                        }

                        ReportDeduplication(context, handler, invocation, invocation.Receiver(), invocation.Arguments.Select(static a => a.Value));
                        Report(context, BlockingCall(invocation, types));
                        Report(context, SyncCallWithAsyncTwin(invocation));
                        if (NonDeterministicValue(invocation, types) is not null)
                        {
                            Report(context, DerivedEventFinding(invocation, types));
                        }

                        break;
                    case IPropertyReferenceOperation reference:
                        if (reference.Property.IsIndexer)
                        {
                            ReportDeduplication(context, handler, reference, reference.Instance, reference.Arguments.Select(static a => a.Value));
                        }

                        Report(context, BlockingResult(reference, types));
                        if (NonDeterministicValue(reference, types) is not null)
                        {
                            Report(context, DerivedEventFinding(reference, types));
                        }

                        break;
                    case IObjectCreationOperation creation:
                        if (handler.CheckAccumulation && FileAppendOf(creation, types) is { } append
                            && !handler.DeduplicatesInMemory(context.SemanticModel, context.CancellationToken))
                        {
                            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonIdempotentHandler, creation.Syntax.GetLocation(), handler.Name, append));
                        }

                        foreach (Diagnostic derived in ImplicitNonDeterministicValues(creation, types))
                        {
                            context.ReportDiagnostic(derived);
                        }

                        break;
                }
            }

            /// <summary>ED0008 for an async void method of a handler that the handler calls.</summary>
            public void AnalyzeMethod(SymbolAnalysisContext context)
            {
                var method = (IMethodSymbol)context.Symbol;
                if (method is { IsAsync: true, ReturnsVoid: true, MethodKind: MethodKind.Ordinary }
                    && Handler(method.ContainingType) is { } handler
                    && handler.IsReachable(method, semanticModel: null, context.CancellationToken))
                {
                    Report(context, AsyncVoidMethod(method, types));
                }
            }

            private HandlerInfo? Handler(INamedTypeSymbol? type)
                => type is null ? null : _handlers.GetOrAdd(type.OriginalDefinition, t => HandlerInfo.TryCreate(t, types));

            /// <summary>ED0005 once per store and method: at the first use in the method of that store with an event id.</summary>
            private void ReportDeduplication(SyntaxNodeAnalysisContext context, HandlerInfo handler, IOperation use, IOperation? receiver, System.Collections.Generic.IEnumerable<IOperation> arguments)
            {
                if (!handler.UsesInbox
                    && DeduplicationStore(receiver, arguments, types) is { } store
                    && handler.IsFirstDeduplicationUse(use, store, context.SemanticModel, context.CancellationToken))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InMemoryDeduplication, use.Syntax.GetLocation(), handler.Name, store.Name));
                }
            }

            private static void Report(SyntaxNodeAnalysisContext context, Diagnostic? diagnostic)
            {
                if (diagnostic is not null)
                {
                    context.ReportDiagnostic(diagnostic);
                }
            }

            private static void Report(SymbolAnalysisContext context, Diagnostic? diagnostic)
            {
                if (diagnostic is not null)
                {
                    context.ReportDiagnostic(diagnostic);
                }
            }
        }
    }
}
