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
    /// <summary>ED0011: adds an empty <c>private void Apply(TEvent e)</c> to the aggregate, for the author to fill (or leave empty on purpose).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddApplyMethodCodeFixProvider)), Shared]
    public sealed class AddApplyMethodCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = DiagnosticDescriptors.RaisedWithoutApplyId + ".AddApply";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.RaisedWithoutApplyId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            SourceText text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } aggregate
                    || !diagnostic.Properties.TryGetValue("EventType", out string? eventType) || eventType is null)
                {
                    continue;
                }

                // At the start of the closing brace's line, indented one level deeper than the brace, after a blank line.
                int braceLine = text.Lines.GetLineFromPosition(aggregate.CloseBraceToken.SpanStart).Start;
                string indent = text.ToString(TextSpan.FromBounds(braceLine, aggregate.CloseBraceToken.SpanStart)) + "    ";
                string newLine = CodeFixHelpers.NewLine(text);
                string method = newLine + indent + "private void Apply(" + eventType + " e)" + newLine + indent + "{" + newLine + indent + "}" + newLine;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Add Apply({eventType})",
                        cancellationToken => CodeFixHelpers.ReplaceAsync(context.Document, new TextSpan(braceLine, 0), method, cancellationToken),
                        EquivalenceKey + "." + eventType),
                    diagnostic);
            }
        }
    }
}
