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
    /// ED0004 and ED0005: sets <c>Inbox = true</c> on the handler's <c>[EventHandler]</c>, so the generated dispatcher skips event ids
    /// the handler already handled, through the registered durable inbox. Unlike "declare idempotent" this changes behaviour: it
    /// needs an <c>IInbox</c> registered (<c>AddEventDrivenSqlite</c>), and an in-memory set of ids the handler kept (ED0005) is
    /// left in place for the author to delete, since removing guard code automatically could remove more than the guard.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseInboxCodeFixProvider)), Shared]
    public sealed class UseInboxCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "EventDriven.UseInbox";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.NonIdempotentHandlerId,
            DiagnosticDescriptors.InMemoryDeduplicationId);

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
                // A runtime subscriber has no [EventHandler] and is not dispatched by generated code: the inbox cannot apply.
                if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node
                    || EventHandlerAttributeEdit.FindAttribute(node, model, context.CancellationToken) is not var (reference, handlerName))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Deduplicate '{handlerName}' through the durable inbox ([EventHandler(Inbox = true)])",
                        cancellationToken => EventHandlerAttributeEdit.SetTrueAsync(context.Document.Project.Solution, reference, "Inbox", cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
