using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EventDriven.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Generators.Helpers
{
    /// <summary>The events a handler publishes in its own source, found once for both the topology manifest and the event type catalog.</summary>
    internal static class PublishedEvents
    {
        /// <summary>
        /// The event types of every publish (<see cref="PublishCall"/>, the definition the analyzers use too: the bus's and a saga context's) in
        /// <paramref name="type"/>'s own declarations, each once, in source order. Calls hidden behind helpers in other types are not
        /// seen; open generic publishes name no event and are skipped.
        /// </summary>
        public static List<INamedTypeSymbol> Find(INamedTypeSymbol type, GeneratorAttributeSyntaxContext context, PublishCall publishes, INamedTypeSymbol eventInterface, CancellationToken cancellationToken)
        {
            var found = new List<INamedTypeSymbol>();
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                SyntaxNode declaration = reference.GetSyntax(cancellationToken);
                SemanticModel? model = null;
                foreach (InvocationExpressionSyntax invocation in declaration.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (!PublishCall.HasPublishName(PublishCall.InvokedName(invocation)))
                    {
                        continue;
                    }

                    model ??= declaration.SyntaxTree == context.TargetNode.SyntaxTree
                        ? context.SemanticModel
                        : context.SemanticModel.Compilation.GetSemanticModel(declaration.SyntaxTree);
                    if (publishes.PublishedEventType(invocation, model, cancellationToken) is INamedTypeSymbol eventType
                        && eventType.AllInterfaces.Contains(eventInterface, SymbolEqualityComparer.Default)
                        && !found.Contains(eventType, SymbolEqualityComparer.Default))
                    {
                        found.Add(eventType);
                    }
                }
            }

            return found;
        }
    }
}
