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
            private readonly ConcurrentDictionary<ISymbol, IMethodSymbol?> _implementations = new(SymbolEqualityComparer.Default);
            private readonly object _gate = new();
            private List<INamedTypeSymbol>? _sourceTypes;

            /// <summary>The accumulating effect <paramref name="invocation"/> leads to in source, as a message fragment; null when none.</summary>
            public string? Of(IInvocationOperation invocation, INamedTypeSymbol handler, CancellationToken cancellationToken)
                => Target(invocation, handler, cancellationToken) is { } callee
                    && Summary(callee, MaxCalleeDepth, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), cancellationToken) is { } effect
                    ? "'" + invocation.Describe() + "' calls " + effect
                    : null;

            /// <summary>
            /// The source method a call on state the caller holds (or a static call) runs: the method itself; for an interface or abstract
            /// method, its implementation when exactly one source type implements it (repositories behind IOrderRepository); for a
            /// mediator's <c>Send(request)</c>, the <c>Handle</c> of the one source <c>IRequestHandler</c> of that request type. Null
            /// otherwise: several candidates would be a guess.
            /// </summary>
            private IMethodSymbol? Target(IInvocationOperation invocation, INamedTypeSymbol? caller, CancellationToken cancellationToken)
            {
                IMethodSymbol callee = invocation.TargetMethod;
                bool held = callee.IsStatic || invocation.Instance is null || invocation.Instance.IsDurable() || invocation.Instance.Unwrap() is IInstanceReferenceOperation;
                if (!held || SymbolEqualityComparer.Default.Equals(callee.ContainingType?.OriginalDefinition, caller?.OriginalDefinition))
                {
                    return null;
                }

                if (callee.DeclaringSyntaxReferences.Length > 0 && !callee.IsAbstract)
                {
                    return callee.OriginalDefinition;
                }

                if (callee.Name is "Send" or "SendAsync" && invocation.Arguments.Length > 0 && invocation.Arguments[0].Value.Unwrap().Type is INamedTypeSymbol request)
                {
                    return _implementations.GetOrAdd(request, r => RequestHandlerOf((INamedTypeSymbol)r, cancellationToken));
                }

                // Resolved once per member and compilation: every handler of an application calls the same few repositories.
                return callee.IsAbstract || callee.ContainingType?.TypeKind == TypeKind.Interface
                    ? _implementations.GetOrAdd(callee.OriginalDefinition, m => SingleImplementation((IMethodSymbol)m, cancellationToken))
                    : null;
            }

            private IMethodSymbol? SingleImplementation(IMethodSymbol member, CancellationToken cancellationToken)
            {
                IMethodSymbol? found = null;
                foreach (INamedTypeSymbol type in SourceTypes(cancellationToken))
                {
                    if (type.IsAbstract)
                    {
                        continue;
                    }

                    ISymbol? implementation = member.ContainingType.TypeKind == TypeKind.Interface
                        ? type.FindImplementationForInterfaceMember(member)
                        : type.InheritsFromOrEquals(member.ContainingType) ? Overrider(type, member) : null;
                    if (implementation is IMethodSymbol method && method.DeclaringSyntaxReferences.Length > 0)
                    {
                        if (found is not null && !SymbolEqualityComparer.Default.Equals(found, method))
                        {
                            return null;
                        }

                        found = method;
                    }
                }

                return found?.OriginalDefinition;
            }

            private static IMethodSymbol? Overrider(INamedTypeSymbol type, IMethodSymbol member)
            {
                for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
                {
                    foreach (IMethodSymbol method in current.GetMembers(member.Name).OfType<IMethodSymbol>())
                    {
                        for (IMethodSymbol? overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                        {
                            if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, member.OriginalDefinition))
                            {
                                return method;
                            }
                        }
                    }
                }

                return null;
            }

            /// <summary>The <c>Handle</c> of the one source type implementing <c>IRequestHandler&lt;TRequest, ...&gt;</c> for <paramref name="request"/>.</summary>
            private IMethodSymbol? RequestHandlerOf(INamedTypeSymbol request, CancellationToken cancellationToken)
            {
                IMethodSymbol? found = null;
                foreach (INamedTypeSymbol type in SourceTypes(cancellationToken))
                {
                    foreach (INamedTypeSymbol implemented in type.AllInterfaces)
                    {
                        if (implemented.Name == "IRequestHandler"
                            && implemented.TypeArguments.Length > 0
                            && SymbolEqualityComparer.Default.Equals(implemented.TypeArguments[0], request)
                            && implemented.GetMembers("Handle").OfType<IMethodSymbol>().FirstOrDefault() is { } handle
                            && type.FindImplementationForInterfaceMember(handle) is IMethodSymbol method)
                        {
                            if (found is not null && !SymbolEqualityComparer.Default.Equals(found, method))
                            {
                                return null;
                            }

                            found = method;
                        }
                    }
                }

                return found?.DeclaringSyntaxReferences.Length > 0 ? found.OriginalDefinition : null;
            }

            /// <summary>The classes and structs declared in this compilation's source, listed once per compilation (only when a call needs them).</summary>
            private List<INamedTypeSymbol> SourceTypes(CancellationToken cancellationToken)
            {
                lock (_gate)
                {
                    if (_sourceTypes is null)
                    {
                        var all = new List<INamedTypeSymbol>();
                        var pending = new Stack<INamespaceOrTypeSymbol>();
                        pending.Push(types.Compilation.Assembly.GlobalNamespace);
                        while (pending.Count > 0)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            foreach (ISymbol member in pending.Pop().GetMembers())
                            {
                                if (member is INamespaceSymbol ns)
                                {
                                    pending.Push(ns);
                                }
                                else if (member is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type)
                                {
                                    all.Add(type);
                                    pending.Push(type);
                                }
                            }
                        }

                        _sourceTypes = all;
                    }

                    return _sourceTypes;
                }
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
                                ?? (Target(call, method.ContainingType, cancellationToken) is { } next && Summary(next, depth - 1, walking, cancellationToken) is { } deeper
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
