using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using EventDriven.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.CodeFixes
{
    /// <summary>
    /// ED0004: sets <c>Idempotent = true</c> on the handler's <c>[EventHandler]</c>. This records the author's judgement that handling
    /// twice is safe (a downstream upsert, a natural key); it does not make the code idempotent, which is why the title says "declare".
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeclareIdempotentCodeFixProvider)), Shared]
    public sealed class DeclareIdempotentCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = DiagnosticDescriptors.NonIdempotentHandlerId + ".DeclareIdempotent";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NonIdempotentHandlerId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            INamedTypeSymbol? attributeType = model?.Compilation.GetTypeByMetadataName("EventDriven.EventHandlerAttribute");
            if (root is null || model is null || attributeType is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                SyntaxNode? node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (node?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
                    || model.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } handler
                    || handler.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType))?.ApplicationSyntaxReference is not { } reference)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Declare '{handler.Name}' idempotent ([EventHandler(Idempotent = true)])",
                        cancellationToken => DeclareAsync(context.Document.Project.Solution, reference, cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static async Task<Solution> DeclareAsync(Solution solution, SyntaxReference reference, CancellationToken cancellationToken)
        {
            if (await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not AttributeSyntax attribute
                || solution.GetDocument(attribute.SyntaxTree) is not { } document)
            {
                return solution;
            }

            TextChange change;
            AttributeArgumentSyntax? existing = attribute.ArgumentList?.Arguments.FirstOrDefault(static a => a.NameEquals?.Name.Identifier.ValueText == "Idempotent");
            if (existing is not null)
            {
                change = new TextChange(existing.Expression.Span, "true");
            }
            else if (attribute.ArgumentList is not { } arguments)
            {
                change = new TextChange(new TextSpan(attribute.Name.Span.End, 0), "(Idempotent = true)");
            }
            else if (arguments.Arguments.Count == 0)
            {
                change = new TextChange(new TextSpan(arguments.OpenParenToken.Span.End, 0), "Idempotent = true");
            }
            else
            {
                change = new TextChange(new TextSpan(arguments.Arguments.Last().Span.End, 0), ", Idempotent = true");
            }

            SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            return solution.WithDocumentText(document.Id, text.WithChanges(change));
        }
    }
}
