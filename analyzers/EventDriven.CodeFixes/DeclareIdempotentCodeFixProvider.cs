using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using EventDriven.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

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
            if (root is null || model is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node
                    || EventHandlerAttributeEdit.FindAttribute(node, model, context.CancellationToken) is not var (reference, handlerName))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Declare '{handlerName}' idempotent ([EventHandler(Idempotent = true)])",
                        cancellationToken => EventHandlerAttributeEdit.SetTrueAsync(context.Document.Project.Solution, reference, "Idempotent", cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
