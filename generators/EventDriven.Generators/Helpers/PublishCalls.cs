using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Generators.Helpers
{
    /// <summary>Finds the events a handler publishes, shared by the topology manifest and the event type catalog.</summary>
    internal static class PublishCalls
    {
        /// <summary>
        /// The type arguments of every <c>PublishAsync&lt;T&gt;</c> call in <paramref name="type"/>'s own source that
        /// <paramref name="isEvent"/> accepts. Calls hidden behind helpers in other types are not seen. Only invocations named
        /// PublishAsync are bound, so the walk stays cheap.
        /// </summary>
        public static IEnumerable<INamedTypeSymbol> FindPublishedEventTypes(INamedTypeSymbol type, GeneratorAttributeSyntaxContext context, Func<INamedTypeSymbol, bool> isEvent, CancellationToken cancellationToken)
        {
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                SyntaxNode declaration = reference.GetSyntax(cancellationToken);
                SemanticModel? model = null;
                foreach (InvocationExpressionSyntax invocation in declaration.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    string? name = invocation.Expression switch
                    {
                        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                        SimpleNameSyntax simple => simple.Identifier.ValueText,
                        _ => null,
                    };
                    if (name != "PublishAsync")
                    {
                        continue;
                    }

                    model ??= declaration.SyntaxTree == context.TargetNode.SyntaxTree
                        ? context.SemanticModel
                        : context.SemanticModel.Compilation.GetSemanticModel(declaration.SyntaxTree);
                    if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { IsGenericMethod: true } method
                        && method.TypeArguments[0] is INamedTypeSymbol eventType
                        && isEvent(eventType))
                    {
                        yield return eventType;
                    }
                }
            }
        }
    }
}
