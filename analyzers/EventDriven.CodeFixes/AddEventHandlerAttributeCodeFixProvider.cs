using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using EventDriven.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.CodeFixes
{
    /// <summary>ED0003: puts <c>[EventHandler]</c> on the class, so the generator adds it to the dispatch table.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddEventHandlerAttributeCodeFixProvider)), Shared]
    public sealed class AddEventHandlerAttributeCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = DiagnosticDescriptors.UnregisteredHandlerId + ".AddEventHandlerAttribute";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnregisteredHandlerId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            INamedTypeSymbol? attribute = model?.Compilation.GetTypeByMetadataName("EventDriven.EventHandlerAttribute");
            if (root is null || model is null || attribute is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Add [EventHandler]",
                        async cancellationToken =>
                        {
                            SourceText text = await context.Document.GetTextAsync(cancellationToken).ConfigureAwait(false);
                            string indent = CodeFixHelpers.IndentationAt(text, declaration.SpanStart);
                            string name = CodeFixHelpers.NameAt(attribute, model, declaration.SpanStart, asAttribute: true);
                            return await CodeFixHelpers.ReplaceAsync(
                                context.Document,
                                new TextSpan(declaration.SpanStart, 0),
                                "[" + name + "]" + CodeFixHelpers.NewLine(text) + indent,
                                cancellationToken).ConfigureAwait(false);
                        },
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
