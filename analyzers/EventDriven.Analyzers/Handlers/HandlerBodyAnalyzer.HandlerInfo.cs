using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Analyzers.Handlers
{
    public sealed partial class HandlerBodyAnalyzer
    {
        /// <summary>
        /// A class that declares <c>HandleAsync</c> for some <c>IEventHandler&lt;T&gt;</c>: which of its methods run when it handles an
        /// event, and whether it keeps processed ids in memory. Both are computed once, on first need, from the class's own syntax:
        /// only calls to methods of the class are bound.
        /// </summary>
        private sealed class HandlerInfo
        {
            private readonly object _gate = new();
            private readonly WellKnownTypes _types;
            private readonly INamedTypeSymbol _type;
            private readonly ImmutableArray<IMethodSymbol> _handleMethods;
            private ImmutableHashSet<ISymbol>? _reachable;
            private bool? _deduplicatesInMemory;

            private HandlerInfo(WellKnownTypes types, INamedTypeSymbol type, ImmutableArray<IMethodSymbol> handleMethods, bool checkAccumulation, bool usesInbox)
            {
                _types = types;
                _type = type;
                _handleMethods = handleMethods;
                CheckAccumulation = checkAccumulation;
                UsesInbox = usesInbox;
                Name = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
            }

            public string Name { get; }

            /// <summary>ED0004 applies: an <c>[EventHandler]</c> that declares neither <c>Idempotent = true</c> nor <c>Inbox = true</c>.</summary>
            public bool CheckAccumulation { get; }

            /// <summary>
            /// <c>[EventHandler(Inbox = true)]</c>: redeliveries are skipped durably by event id, so accumulating effects (ED0004) are
            /// applied once per event, and an in-memory set of ids (ED0005) guards nothing the inbox does not already guard.
            /// </summary>
            public bool UsesInbox { get; }

            public static HandlerInfo? TryCreate(INamedTypeSymbol type, WellKnownTypes types)
            {
                if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || !type.Locations.Any(static l => l.IsInSource))
                {
                    return null;
                }

                ImmutableArray<IMethodSymbol> handleMethods = type.DeclaredHandleMethods(types);
                if (handleMethods.IsEmpty)
                {
                    return null;
                }

                AttributeData? attribute = type.FindEventHandlerAttribute(types);
                bool usesInbox = attribute is not null && attribute.UsesInbox();
                return new HandlerInfo(types, type, handleMethods, checkAccumulation: attribute is not null && !attribute.IsIdempotent() && !usesInbox, usesInbox);
            }

            public bool IsReachable(IMethodSymbol method, SemanticModel? semanticModel, CancellationToken cancellationToken)
            {
                method = method.OriginalDefinition;
                if (_handleMethods.Contains(method, SymbolEqualityComparer.Default))
                {
                    return true;
                }

                lock (_gate)
                {
                    _reachable ??= ComputeReachable(semanticModel, cancellationToken);
                }

                return _reachable.Contains(method);
            }

            /// <summary>True when a method that runs on handling records or checks event ids in an in-memory collection (ED0005).</summary>
            public bool DeduplicatesInMemory(SemanticModel semanticModel, CancellationToken cancellationToken)
            {
                lock (_gate)
                {
                    if (_deduplicatesInMemory is { } known)
                    {
                        return known;
                    }
                }

                bool found = false;
                foreach ((SyntaxNode node, SemanticModel model) in Nodes(semanticModel, cancellationToken))
                {
                    if (IsDeduplicationShape(node)
                        && Store(node, model, cancellationToken) is not null
                        && model.GetEnclosingSymbol(node.SpanStart, cancellationToken) is { } enclosing
                        && Member(enclosing) is IMethodSymbol method
                        && IsReachable(method, model, cancellationToken))
                    {
                        found = true;
                        break;
                    }
                }

                lock (_gate)
                {
                    _deduplicatesInMemory = found;
                }

                return found;
            }

            /// <summary>True when no earlier node of the same method body records or checks event ids in <paramref name="store"/>.</summary>
            public bool IsFirstDeduplicationUse(Microsoft.CodeAnalysis.IOperation use, ISymbol store, SemanticModel semanticModel, CancellationToken cancellationToken)
            {
                SyntaxNode? body = use.Syntax.FirstAncestorOrSelf<SyntaxNode>(static n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
                if (body is null)
                {
                    return true;
                }

                foreach (SyntaxNode node in body.DescendantNodes())
                {
                    if (node.SpanStart >= use.Syntax.SpanStart)
                    {
                        break;
                    }

                    if (IsDeduplicationShape(node) && SymbolEqualityComparer.Default.Equals(Store(node, semanticModel, cancellationToken), store))
                    {
                        return false;
                    }
                }

                return true;
            }

            private ISymbol? Store(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
                => model.GetOperation(node, cancellationToken) switch
                {
                    Microsoft.CodeAnalysis.Operations.IInvocationOperation invocation => DeduplicationStore(invocation.Receiver(), invocation.Arguments.Select(static a => a.Value), _types),
                    Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation { Property.IsIndexer: true } indexer => DeduplicationStore(indexer.Instance, indexer.Arguments.Select(static a => a.Value), _types),
                    _ => null,
                };

            /// <summary>The handle methods and every method of the class they call, directly or through other methods of the class.</summary>
            private ImmutableHashSet<ISymbol> ComputeReachable(SemanticModel? semanticModel, CancellationToken cancellationToken)
            {
                var methodNames = new HashSet<string>(_type.GetMembers().OfType<IMethodSymbol>().Select(static m => m.Name), System.StringComparer.Ordinal);
                var calls = new Dictionary<ISymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
                foreach ((SyntaxNode node, SemanticModel model) in Nodes(semanticModel, cancellationToken))
                {
                    string? name = node switch
                    {
                        InvocationExpressionSyntax invocation => CalleeName(invocation.Expression),
                        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                        _ => null,
                    };
                    if (name is null || !methodNames.Contains(name)
                        || model.GetSymbolInfo(node, cancellationToken).Symbol is not IMethodSymbol callee
                        || !SymbolEqualityComparer.Default.Equals(callee.ContainingType?.OriginalDefinition, _type)
                        || model.GetEnclosingSymbol(node.SpanStart, cancellationToken) is not { } enclosing
                        || Member(enclosing) is not { } caller)
                    {
                        continue;
                    }

                    if (!calls.TryGetValue(caller.OriginalDefinition, out List<ISymbol>? callees))
                    {
                        calls.Add(caller.OriginalDefinition, callees = []);
                    }

                    callees.Add(callee.OriginalDefinition);
                }

                var reachable = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                var pending = new Stack<ISymbol>(_handleMethods);
                while (pending.Count > 0)
                {
                    ISymbol current = pending.Pop();
                    if (reachable.Add(current) && calls.TryGetValue(current, out List<ISymbol>? callees))
                    {
                        foreach (ISymbol callee in callees)
                        {
                            pending.Push(callee);
                        }
                    }
                }

                return reachable.ToImmutableHashSet(SymbolEqualityComparer.Default);
            }

            /// <summary>The nodes of the class's own declarations (not of nested types), each with the semantic model of its tree.</summary>
            private IEnumerable<(SyntaxNode Node, SemanticModel Model)> Nodes(SemanticModel? semanticModel, CancellationToken cancellationToken)
            {
                foreach (SyntaxReference reference in _type.DeclaringSyntaxReferences)
                {
                    SyntaxNode declaration = reference.GetSyntax(cancellationToken);
#pragma warning disable RS1030 // Only for a partial handler spread over several files, once per handler; the compiler caches the model.
                    SemanticModel model = semanticModel?.SyntaxTree == declaration.SyntaxTree ? semanticModel : _types.Compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
                    foreach (SyntaxNode node in declaration.DescendantNodes(n => n == declaration || n is not BaseTypeDeclarationSyntax))
                    {
                        yield return (node, model);
                    }
                }
            }

            private static ISymbol? Member(ISymbol symbol)
            {
                while (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
                {
                    symbol = symbol.ContainingSymbol;
                }

                return symbol;
            }
        }
    }
}
