using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using EventDriven.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.CodeFixes
{
    /// <summary>
    /// ED0008: an <c>async void</c> method or local function returns <c>Task</c> instead, so its caller can await it. Callers are not
    /// changed: the compiler then points at each call that ignores the task (CS4014), which is exactly where an await is missing.
    /// Lambdas get no fix: their delegate type decides the return type.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReturnTaskInsteadOfVoidCodeFixProvider)), Shared]
    public sealed class ReturnTaskInsteadOfVoidCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = DiagnosticDescriptors.AsyncVoidId + ".ReturnTask";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.AsyncVoidId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            INamedTypeSymbol? task = model?.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            if (root is null || model is null || task is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                TypeSyntax? returnType = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent switch
                {
                    MethodDeclarationSyntax method => method.ReturnType,
                    LocalFunctionStatementSyntax local => local.ReturnType,
                    _ => null,
                };

                if (returnType is null)
                {
                    continue;
                }

                string name = CodeFixHelpers.NameAt(task, model, returnType.SpanStart);
                context.RegisterCodeFix(
                    CodeAction.Create("Return Task instead of void", cancellationToken => CodeFixHelpers.ReplaceAsync(context.Document, returnType.Span, name, cancellationToken), EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
