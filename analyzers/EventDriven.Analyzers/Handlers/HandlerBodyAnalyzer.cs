using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace EventDriven.Analyzers.Handlers
{
    /// <summary>
    /// The rules about what a handler does while it handles an event: ED0004 (non-idempotent effects), ED0005 (in-memory
    /// deduplication), ED0006 (non-deterministic derived events), ED0007 (blocking calls) and ED0008 (async void). This file holds
    /// the pipeline; each rule's detection is in its own part.
    /// </summary>
    /// <remarks>
    /// "What the handler does" is the body of each <c>HandleAsync</c> the class declares plus every method of the same class those
    /// bodies call, directly or through other methods of the class (lambdas and local functions included). Calls into other types
    /// are not followed: the rules judge the handler's own code. Findings are collected per method while the type's members are
    /// analyzed and reported at the end of the type, for the methods reachable from a <c>HandleAsync</c>.
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

                var randomDefaults = new ConcurrentDictionary<string, bool>(System.StringComparer.Ordinal);
                start.RegisterSymbolStartAction(symbolStart => StartHandler(symbolStart, types, randomDefaults), SymbolKind.NamedType);
            });
        }

        private static void StartHandler(SymbolStartAnalysisContext context, WellKnownTypes types, ConcurrentDictionary<string, bool> randomDefaults)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                return;
            }

            ImmutableArray<IMethodSymbol> handleMethods = type.DeclaredHandleMethods(types);
            if (handleMethods.IsEmpty)
            {
                return;
            }

            AttributeData? attribute = type.FindEventHandlerAttribute(types);
            var scope = new HandlerScope(types, type, handleMethods, checkAccumulation: attribute is not null && !attribute.IsIdempotent(), randomDefaults);

            // Syntax actions with a syntactic filter, then the operation of the few nodes that pass. Operation actions would make the
            // compiler build (and bind) the operation tree of every method body in the project, handler or not.
            context.RegisterSyntaxNodeAction(scope.AnalyzeNode, CandidateKinds);
            context.RegisterSymbolEndAction(scope.Report);
        }

        /// <summary>What one handler type does, gathered concurrently while its members are analyzed.</summary>
        private sealed class HandlerScope(WellKnownTypes types, INamedTypeSymbol type, ImmutableArray<IMethodSymbol> handleMethods, bool checkAccumulation, ConcurrentDictionary<string, bool> randomDefaults)
        {
            private readonly ConcurrentDictionary<ISymbol, ConcurrentBag<ISymbol>> _calls = new(SymbolEqualityComparer.Default);
            private readonly ConcurrentBag<(ISymbol Member, Diagnostic Diagnostic)> _findings = [];
            private readonly ConcurrentBag<(ISymbol Member, Diagnostic Diagnostic)> _accumulations = [];
            private readonly ConcurrentBag<(ISymbol Member, ISymbol Store, IOperation Use)> _deduplications = [];
            private readonly ImmutableHashSet<string> _methodNames = type.GetMembers().OfType<IMethodSymbol>().Select(static m => m.Name).ToImmutableHashSet(System.StringComparer.Ordinal);

            public void AnalyzeNode(SyntaxNodeAnalysisContext context)
            {
                ISymbol? member = context.ContainingSymbol;
                while (member is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
                {
                    member = member.ContainingSymbol;
                }

                if (member is null)
                {
                    return;
                }

                Candidate candidate = Classify(context.Node, checkAccumulation, _methodNames);
                if (candidate == Candidate.None)
                {
                    return;
                }

                if (candidate == Candidate.AsyncFunction)
                {
                    if (AsyncVoidFunction(context.Node, context.SemanticModel, types, context.CancellationToken) is { } asyncVoid)
                    {
                        _findings.Add((member, asyncVoid));
                    }

                    return;
                }

                if (candidate == Candidate.MethodGroup)
                {
                    if (context.SemanticModel.GetSymbolInfo(context.Node, context.CancellationToken).Symbol is IMethodSymbol target)
                    {
                        AddCall(member, target);
                    }

                    return;
                }

                if (candidate == Candidate.Creation && !MayCreateEventWithRandomDefaults(context.Node, types, randomDefaults))
                {
                    return;
                }

                switch (context.SemanticModel.GetOperation(context.Node, context.CancellationToken))
                {
                    case IInvocationOperation invocation:
                        AnalyzeInvocation(member, invocation);
                        break;
                    case IPropertyReferenceOperation reference:
                        AnalyzePropertyReference(member, reference);
                        break;
                    case IObjectCreationOperation creation:
                        AnalyzeObjectCreation(member, creation);
                        break;
                    case { } write when checkAccumulation && AccumulationOf(write) is { } accumulation:
                        _accumulations.Add((member, Diagnostic.Create(DiagnosticDescriptors.NonIdempotentHandler, write.Syntax.GetLocation(), TypeName, accumulation)));
                        break;
                }
            }

            private void AnalyzeInvocation(ISymbol member, IInvocationOperation invocation)
            {
                AddCall(member, invocation.TargetMethod);
                if (checkAccumulation && AccumulationOf(invocation, types) is { } accumulation)
                {
                    _accumulations.Add((member, Diagnostic.Create(DiagnosticDescriptors.NonIdempotentHandler, invocation.Syntax.GetLocation(), TypeName, accumulation)));
                }

                if (DeduplicationStore(invocation.Receiver(), invocation.Arguments.Select(static a => a.Value), types) is { } store)
                {
                    _deduplications.Add((member, store, invocation));
                }

                if (BlockingCall(invocation, types) is { } blocking)
                {
                    _findings.Add((member, blocking));
                }

                if (NonDeterministicValue(invocation, types) is not null && DerivedEventFinding(invocation, types) is { } derived)
                {
                    _findings.Add((member, derived));
                }
            }

            private void AnalyzePropertyReference(ISymbol member, IPropertyReferenceOperation reference)
            {
                if (reference.Property.IsIndexer
                    && DeduplicationStore(reference.Instance, reference.Arguments.Select(static a => a.Value), types) is { } store)
                {
                    _deduplications.Add((member, store, reference));
                }

                if (BlockingResult(reference, types) is { } blocking)
                {
                    _findings.Add((member, blocking));
                }

                if (NonDeterministicValue(reference, types) is not null && DerivedEventFinding(reference, types) is { } derived)
                {
                    _findings.Add((member, derived));
                }
            }

            private void AnalyzeObjectCreation(ISymbol member, IObjectCreationOperation creation)
            {
                if (checkAccumulation && FileAppendOf(creation, types) is { } append)
                {
                    _accumulations.Add((member, Diagnostic.Create(DiagnosticDescriptors.NonIdempotentHandler, creation.Syntax.GetLocation(), TypeName, append)));
                }

                foreach (Diagnostic derived in ImplicitNonDeterministicValues(creation, types))
                {
                    _findings.Add((member, derived));
                }
            }

            public void Report(SymbolAnalysisContext context)
            {
                HashSet<ISymbol> reachable = Reachable();
                foreach ((ISymbol member, Diagnostic diagnostic) in _findings)
                {
                    if (reachable.Contains(member))
                    {
                        context.ReportDiagnostic(diagnostic);
                    }
                }

                foreach (IMethodSymbol method in reachable.OfType<IMethodSymbol>())
                {
                    if (AsyncVoidMethod(method, types) is { } asyncVoid)
                    {
                        context.ReportDiagnostic(asyncVoid);
                    }
                }

                // One ED0005 per store, at its first use; the handler then tried to be idempotent, so ED0004 would only repeat it.
                bool deduplicatesInMemory = false;
                foreach (IGrouping<ISymbol, (ISymbol Member, ISymbol Store, IOperation Use)> uses in _deduplications
                    .Where(d => reachable.Contains(d.Member))
                    .GroupBy(static d => d.Store, SymbolEqualityComparer.Default))
                {
                    deduplicatesInMemory = true;
                    IOperation[] ordered = uses.Select(static u => u.Use).OrderBy(static u => u.Syntax.SpanStart).ToArray();
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.InMemoryDeduplication,
                        ordered[0].Syntax.GetLocation(),
                        ordered.Skip(1).Select(static u => u.Syntax.GetLocation()),
                        TypeName,
                        uses.Key.Name));
                }

                if (!deduplicatesInMemory)
                {
                    foreach ((ISymbol member, Diagnostic diagnostic) in _accumulations)
                    {
                        if (reachable.Contains(member))
                        {
                            context.ReportDiagnostic(diagnostic);
                        }
                    }
                }
            }

            private string TypeName => type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

            private void AddCall(ISymbol caller, IMethodSymbol callee)
            {
                if (SymbolEqualityComparer.Default.Equals(callee.ContainingType?.OriginalDefinition, type.OriginalDefinition))
                {
                    _calls.GetOrAdd(caller.OriginalDefinition, static _ => []).Add(callee.OriginalDefinition);
                }
            }

            private HashSet<ISymbol> Reachable()
            {
                var reachable = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                var pending = new Stack<ISymbol>(handleMethods);
                while (pending.Count > 0)
                {
                    ISymbol current = pending.Pop();
                    if (!reachable.Add(current) || !_calls.TryGetValue(current, out ConcurrentBag<ISymbol>? callees))
                    {
                        continue;
                    }

                    foreach (ISymbol callee in callees)
                    {
                        pending.Push(callee);
                    }
                }

                return reachable;
            }
        }
    }
}
