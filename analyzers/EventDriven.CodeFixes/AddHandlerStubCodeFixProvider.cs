using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using EventDriven.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.CodeFixes
{
    /// <summary>
    /// ED0001: writes an empty <c>[EventHandler]</c> class for the event nobody handles, right after the type that publishes it (at
    /// the end of the file for top-level statements), so the author fills in the body instead of the boilerplate.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddHandlerStubCodeFixProvider)), Shared]
    public sealed class AddHandlerStubCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = DiagnosticDescriptors.MissingSubscriptionId + ".AddHandlerStub";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.MissingSubscriptionId);

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
                if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation
                    || model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol { TypeArguments.Length: 1 } method
                    || method.TypeArguments[0] is not INamedTypeSymbol @event)
                {
                    continue;
                }

                // Published through an abstract base or an interface: what it is at run time needs the handler, and a stub for the base
                // would receive every derived event. The diagnostic says what is missing; no stub is the right one to offer.
                if (@event.IsAbstract)
                {
                    continue;
                }

                int anchor = InsertionPoint(invocation);
                if (!model.IsAccessible(anchor, @event))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Generate an [EventHandler] for '{@event.Name}'",
                        cancellationToken => AddStubAsync(context.Document, model, invocation, @event, cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        /// <summary>The end of the outermost type around the publish, or of the last member of the file.</summary>
        private static int InsertionPoint(SyntaxNode publish)
        {
            BaseTypeDeclarationSyntax? outermost = publish.Ancestors().OfType<BaseTypeDeclarationSyntax>().LastOrDefault();
            if (outermost is not null)
            {
                return outermost.Span.End;
            }

            var unit = (CompilationUnitSyntax)publish.SyntaxTree.GetRoot();
            return unit.Members.Count > 0 ? unit.Members.Last().Span.End : unit.Span.End;
        }

        private static async Task<Document> AddStubAsync(Document document, SemanticModel model, SyntaxNode publish, INamedTypeSymbol @event, CancellationToken cancellationToken)
        {
            SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            Compilation compilation = model.Compilation;
            INamedTypeSymbol? attribute = compilation.GetTypeByMetadataName("EventDriven.EventHandlerAttribute");
            INamedTypeSymbol? handler = compilation.GetTypeByMetadataName("EventDriven.IEventHandler`1");
            INamedTypeSymbol? valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
            INamedTypeSymbol? token = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            if (attribute is null || handler is null || valueTask is null || token is null)
            {
                return document;
            }

            int position = InsertionPoint(publish);
            BaseTypeDeclarationSyntax? outermost = publish.Ancestors().OfType<BaseTypeDeclarationSyntax>().LastOrDefault();
            string indent = outermost is null ? string.Empty : CodeFixHelpers.IndentationAt(text, outermost.SpanStart);
            string newLine = CodeFixHelpers.NewLine(text);
            int lookup = outermost?.SpanStart ?? position;

            string eventName = CodeFixHelpers.NameAt(@event, model, lookup);
            string className = UniqueName(model, lookup, @event.Name + "Handler");
            var stub = new StringBuilder()
                .Append(newLine).Append(newLine)
                .Append(indent).Append('[').Append(CodeFixHelpers.NameAt(attribute, model, lookup, asAttribute: true)).Append(']').Append(newLine)
                .Append(indent).Append("internal sealed class ").Append(className).Append(" : ").Append(CodeFixHelpers.NameAt(handler.Construct(@event), model, lookup)).Append(newLine)
                .Append(indent).Append('{').Append(newLine)
                .Append(indent).Append("    public ").Append(CodeFixHelpers.NameAt(valueTask, model, lookup)).Append(" HandleAsync(").Append(eventName).Append(" @event, ")
                    .Append(CodeFixHelpers.NameAt(token, model, lookup)).Append(" cancellationToken = default)").Append(newLine)
                .Append(indent).Append("    {").Append(newLine)
                .Append(indent).Append("        // TODO: handle ").Append(@event.Name).Append('.').Append(newLine)
                .Append(indent).Append("        return default;").Append(newLine)
                .Append(indent).Append("    }").Append(newLine)
                .Append(indent).Append('}');

            return document.WithText(text.WithChanges(new TextChange(new TextSpan(position, 0), stub.ToString())));
        }

        private static string UniqueName(SemanticModel model, int position, string name)
        {
            string candidate = name;
            for (int i = 2; !model.LookupNamespacesAndTypes(position, name: candidate).IsEmpty; i++)
            {
                candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return candidate;
        }
    }
}
