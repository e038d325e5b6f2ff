using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.CodeFixes
{
    /// <summary>
    /// Sets a <c>bool</c> property of a handler's <c>[EventHandler]</c> to <c>true</c>: the edit behind "declare idempotent" (ED0004)
    /// and "use the inbox" (ED0004, ED0005). One text change, so the tests can pin its exact output.
    /// </summary>
    internal static class EventHandlerAttributeEdit
    {
        public const string AttributeMetadataName = "EventDriven.EventHandlerAttribute";

        /// <summary>The <c>[EventHandler]</c> application on the class around <paramref name="node"/>, with the class's name; null when there is none.</summary>
        public static (SyntaxReference Attribute, string HandlerName)? FindAttribute(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
        {
            INamedTypeSymbol? attributeType = model.Compilation.GetTypeByMetadataName(AttributeMetadataName);
            if (attributeType is null
                || node.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
                || model.GetDeclaredSymbol(declaration, cancellationToken) is not { } handler
                || handler.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType))?.ApplicationSyntaxReference is not { } reference)
            {
                return null;
            }

            return (reference, handler.Name);
        }

        /// <summary>Writes <c><paramref name="property"/> = true</c> into the attribute: replacing an existing value, or after the last argument.</summary>
        public static async Task<Solution> SetTrueAsync(Solution solution, SyntaxReference reference, string property, CancellationToken cancellationToken)
        {
            if (await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not AttributeSyntax attribute
                || solution.GetDocument(attribute.SyntaxTree) is not { } document)
            {
                return solution;
            }

            TextChange change;
            AttributeArgumentSyntax? existing = attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == property);
            if (existing is not null)
            {
                change = new TextChange(existing.Expression.Span, "true");
            }
            else if (attribute.ArgumentList is not { } arguments)
            {
                change = new TextChange(new TextSpan(attribute.Name.Span.End, 0), "(" + property + " = true)");
            }
            else if (arguments.Arguments.Count == 0)
            {
                change = new TextChange(new TextSpan(arguments.OpenParenToken.Span.End, 0), property + " = true");
            }
            else
            {
                change = new TextChange(new TextSpan(arguments.Arguments.Last().Span.End, 0), ", " + property + " = true");
            }

            SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            return solution.WithDocumentText(document.Id, text.WithChanges(change));
        }
    }
}
