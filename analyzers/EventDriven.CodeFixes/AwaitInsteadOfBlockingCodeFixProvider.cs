using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using EventDriven.Analyzers;
using EventDriven.Analyzers.Handlers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.CodeFixes
{
    /// <summary>
    /// ED0007: <c>t.Result</c>, <c>t.GetAwaiter().GetResult()</c> and <c>t.Wait()</c> become <c>await t</c>; <c>Thread.Sleep(n)</c>
    /// becomes <c>await Task.Delay(n, cancellationToken)</c>. Offered only inside an <c>async</c> method, local function or lambda:
    /// turning a synchronous method asynchronous changes its callers, which is the author's decision.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitInsteadOfBlockingCodeFixProvider)), Shared]
    public sealed class AwaitInsteadOfBlockingCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = DiagnosticDescriptors.BlockingCallId + ".Await";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.BlockingCallId);

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
                SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (!HandlerBodyAnalyzer.IsInAsyncFunction(node) || !diagnostic.Properties.TryGetValue(HandlerBodyAnalyzer.BlockingKindProperty, out string? kind))
                {
                    continue;
                }

                (ExpressionSyntax Blocking, string Awaited)? fix = kind switch
                {
                    HandlerBodyAnalyzer.ResultKind when node is MemberAccessExpressionSyntax result
                        => (result, result.Expression.ToString()),
                    HandlerBodyAnalyzer.GetResultKind when node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax getAwaiter } } } getResult
                        => (getResult, getAwaiter.Expression.ToString()),
                    HandlerBodyAnalyzer.WaitKind when node is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax wait } waitCall
                        => (waitCall, wait.Expression.ToString()),
                    HandlerBodyAnalyzer.SleepKind when node is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } sleep
                        => (sleep, Delay(sleep, model, context.CancellationToken)),
                    HandlerBodyAnalyzer.SyncKind when node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } call
                        => (call, member.Expression + "." + member.Name.Identifier.ValueText + "Async" + call.ArgumentList),
                    _ => null,
                };

                if (fix is not { } found)
                {
                    continue;
                }

                string replacement = "await " + found.Awaited;
                if (NeedsParentheses(found.Blocking))
                {
                    replacement = "(" + replacement + ")";
                }

                context.RegisterCodeFix(
                    CodeAction.Create("Await instead of blocking", cancellationToken => CodeFixHelpers.ReplaceAsync(context.Document, found.Blocking.Span, replacement, cancellationToken), EquivalenceKey),
                    diagnostic);
            }
        }

        /// <summary><c>Task.Delay(n, token)</c> with the enclosing method's CancellationToken parameter, if it has one.</summary>
        private static string Delay(InvocationExpressionSyntax sleep, SemanticModel model, System.Threading.CancellationToken cancellationToken)
        {
            INamedTypeSymbol? task = model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            string taskName = task is null ? "System.Threading.Tasks.Task" : CodeFixHelpers.NameAt(task, model, sleep.SpanStart);
            string? token = null;
            foreach (SyntaxNode ancestor in sleep.Ancestors())
            {
                if (ancestor is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax)
                {
                    IMethodSymbol? method = ancestor is AnonymousFunctionExpressionSyntax
                        ? model.GetSymbolInfo(ancestor, cancellationToken).Symbol as IMethodSymbol
                        : model.GetDeclaredSymbol(ancestor, cancellationToken) as IMethodSymbol;
                    token = method?.Parameters.FirstOrDefault(static p => p.Type.ToDisplayString() == "System.Threading.CancellationToken")?.Name;
                    if (token is not null)
                    {
                        break;
                    }
                }
            }

            string argument = sleep.ArgumentList.Arguments[0].Expression.ToString();
            return taskName + ".Delay(" + argument + (token is null ? string.Empty : ", " + CodeFixHelpers.Escape(token)) + ")";
        }

        private static bool NeedsParentheses(ExpressionSyntax expression)
            => expression.Parent is MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or ConditionalAccessExpressionSyntax or InvocationExpressionSyntax
                or PostfixUnaryExpressionSyntax or BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression } or CastExpressionSyntax;
    }
}
