using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using EventDriven.Analyzers;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.CodeFixes
{
    /// <summary>ED0009: <c>set</c> becomes <c>init</c>, a public field becomes <c>readonly</c>, a positional record struct becomes <c>readonly</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeEventImmutableCodeFixProvider)), Shared]
    public sealed class MakeEventImmutableCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = DiagnosticDescriptors.MutableEventId + ".MakeImmutable";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.MutableEventId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                SyntaxToken token = root.FindToken(diagnostic.Location.SourceSpan.Start);
                (string Title, TextChange Change)? fix = diagnostic.Properties.TryGetValue(DiagnosticProperties.MutableKind, out string? kind) ? kind switch
                {
                    DiagnosticProperties.SetAccessor when token.IsKind(SyntaxKind.SetKeyword)
                        => ("Make the setter init-only", new TextChange(token.Span, "init")),
                    DiagnosticProperties.Field when token.Parent?.FirstAncestorOrSelf<FieldDeclarationSyntax>() is { } field
                        => ("Make the field readonly", new TextChange(new TextSpan(field.Declaration.SpanStart, 0), "readonly ")),
                    DiagnosticProperties.PositionalRecordStruct when token.Parent is RecordDeclarationSyntax record
                        => ("Make the record struct readonly", new TextChange(new TextSpan(record.Keyword.SpanStart, 0), "readonly ")),
                    _ => null,
                } : null;

                if (fix is not { } found)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(found.Title, cancellationToken => CodeFixHelpers.ReplaceAsync(context.Document, found.Change.Span, found.Change.NewText!, cancellationToken), EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
