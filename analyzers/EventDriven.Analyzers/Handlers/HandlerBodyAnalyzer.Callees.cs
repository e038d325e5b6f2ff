using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace EventDriven.Analyzers.Handlers
{
    /// <summary>
    /// ED0004 through the code a handler delegates to: real handlers call a repository, a service or a sender, and the effect that
    /// repeats on redelivery is there. A call on something the handler holds (a field, a captured constructor parameter, a static)
    /// into a method declared in this compilation's source is followed to <see cref="MaxCalleeDepth"/> levels, and the first
    /// accumulating effect found is reported at the handler's call, naming the path.
    /// </summary>
    public sealed partial class HandlerBodyAnalyzer
    {
        /// <summary>How many calls deep a handler's delegation is followed: handler → service → repository is two.</summary>
        internal const int MaxCalleeDepth = 3;

        /// <summary>Per compilation: what each followed method was found to do (null: nothing accumulating), so each is walked once.</summary>
        private sealed class CalleeSummaries(WellKnownTypes types)
        {
            private readonly ConcurrentDictionary<IMethodSymbol, string?> _summaries = new(SymbolEqualityComparer.Default);

            /// <summary>The accumulating effect <paramref name="invocation"/> leads to in source, as a message fragment; null when none.</summary>
            public string? Of(IInvocationOperation invocation, INamedTypeSymbol handler, CancellationToken cancellationToken)
            {
                IMethodSymbol callee = invocation.TargetMethod.OriginalDefinition;
                if (!Followable(invocation, handler))
                {
                    return null;
                }

                return Summary(callee, MaxCalleeDepth, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), cancellationToken) is { } effect
                    ? "'" + invocation.Describe() + "' calls " + effect
                    : null;
            }

            /// <summary>A call into another type's source method on state the caller holds (or a static one): its effects outlive the call.</summary>
            private static bool Followable(IInvocationOperation invocation, INamedTypeSymbol? caller)
            {
                IMethodSymbol callee = invocation.TargetMethod;
                if (callee.DeclaringSyntaxReferences.Length == 0
                    || callee.IsAbstract
                    || SymbolEqualityComparer.Default.Equals(callee.ContainingType?.OriginalDefinition, caller?.OriginalDefinition))
                {
                    return false;
                }

                return callee.IsStatic || invocation.Instance is null || invocation.Instance.IsDurable() || invocation.Instance.Unwrap() is IInstanceReferenceOperation;
            }

            private string? Summary(IMethodSymbol method, int depth, HashSet<IMethodSymbol> walking, CancellationToken cancellationToken)
            {
                if (_summaries.TryGetValue(method, out string? known))
                {
                    return known;
                }

                if (depth == 0 || !walking.Add(method))
                {
                    return null; // too deep, or recursion: not cached, a shallower walk may still find it
                }

                string? found = Walk(method, depth, walking, cancellationToken);
                walking.Remove(method);
                _summaries.TryAdd(method, found);
                return found;
            }

            private string? Walk(IMethodSymbol method, int depth, HashSet<IMethodSymbol> walking, CancellationToken cancellationToken)
            {
                string name = method.ContainingType.Name + "." + method.Name;
                foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
                {
                    SyntaxNode declaration = reference.GetSyntax(cancellationToken);
#pragma warning disable RS1030 // The callee is in another file; once per followed method and compilation (cached above), the compiler caches the model.
                    SemanticModel model = types.Compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
                    if (model.GetOperation(declaration, cancellationToken) is not { } body)
                    {
                        continue;
                    }

                    foreach (IOperation operation in body.Descendants())
                    {
                        string? effect = operation switch
                        {
                            IInvocationOperation call => AccumulationOf(call, types) ?? HttpPostSendOf(call, types)
                                ?? (Followable(call, method.ContainingType) && Summary(call.TargetMethod.OriginalDefinition, depth - 1, walking, cancellationToken) is { } deeper
                                    ? "'" + call.Describe() + "', which calls " + deeper
                                    : null),
                            IObjectCreationOperation creation => FileAppendOf(creation, types),
                            _ => AccumulationOf(operation) ?? LoadedEntityAccumulation(operation),
                        };
                        if (effect is not null)
                        {
                            return name + ", where " + effect;
                        }
                    }
                }

                return null;
            }
        }
    }
}
