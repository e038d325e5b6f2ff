using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using EventDriven.Analyzers;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.CodeFixes
{
    /// <summary>
    /// ED0006: takes the derived event's Id from <c>DeterministicId.From(cause.Id, "DerivedEvent")</c> and its time from the cause's
    /// <c>OccurredAt</c>. The cause is the event parameter of the enclosing method; without one in scope no fix is offered. The
    /// discriminator is the derived event's type name: a handler that derives several events of one type from one cause must add what
    /// tells them apart, which the fix cannot know.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeriveFromCauseCodeFixProvider)), Shared]
    public sealed class DeriveFromCauseCodeFixProvider : CodeFixProvider
    {
        public const string IdEquivalenceKey = DiagnosticDescriptors.NonDeterministicDerivedEventId + ".DeterministicId";
        public const string TimeEquivalenceKey = DiagnosticDescriptors.NonDeterministicDerivedEventId + ".CauseOccurredAt";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NonDeterministicDerivedEventId);

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            INamedTypeSymbol? eventInterface = model?.Compilation.GetTypeByMetadataName("EventDriven.IEvent");
            INamedTypeSymbol? deterministicId = model?.Compilation.GetTypeByMetadataName("EventDriven.DeterministicId");
            if (root is null || model is null || eventInterface is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (CauseParameter(node, model, eventInterface, context.CancellationToken) is not { } cause
                    || !diagnostic.Properties.TryGetValue(DiagnosticProperties.ValueKind, out string? kind)
                    || !diagnostic.Properties.TryGetValue(DiagnosticProperties.DerivedEventName, out string? derivedName))
                {
                    continue;
                }

                bool isId = kind == DiagnosticProperties.IdValue;
                if (isId && deterministicId is null)
                {
                    continue;
                }

                string causeName = CodeFixHelpers.Escape(cause.Name);
                string value = isId
                    ? CodeFixHelpers.NameAt(deterministicId!, model, node.SpanStart) + ".From(" + causeName + ".Id, \"" + derivedName + "\")"
                    : causeName + ".OccurredAt";

                TextChange? change;
                if (diagnostic.Properties.ContainsKey(DiagnosticProperties.FromInitializer))
                {
                    change = AddToInitializer(node.FirstAncestorOrSelf<BaseObjectCreationExpressionSyntax>(), isId ? "Id" : "OccurredAt", value, model, context.CancellationToken);
                }
                else
                {
                    ExpressionSyntax expression = node.FirstAncestorOrSelf<ExpressionSyntax>(static e => e is InvocationExpressionSyntax or MemberAccessExpressionSyntax)!;
                    change = expression is null ? null : new TextChange(expression.Span, isId ? value : value + TimeConversion(expression, model, context.CancellationToken));
                }

                if (change is not { } edit)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        isId ? $"Derive the Id from '{causeName}.Id' (DeterministicId.From)" : $"Use '{causeName}.OccurredAt'",
                        cancellationToken => CodeFixHelpers.ReplaceAsync(context.Document, edit.Span, edit.NewText!, cancellationToken),
                        isId ? IdEquivalenceKey : TimeEquivalenceKey),
                    diagnostic);
            }
        }

        /// <summary>The first parameter of the enclosing method, local function or lambda whose type is an event.</summary>
        private static IParameterSymbol? CauseParameter(SyntaxNode node, SemanticModel model, INamedTypeSymbol eventInterface, System.Threading.CancellationToken cancellationToken)
        {
            foreach (SyntaxNode ancestor in node.Ancestors())
            {
                IMethodSymbol? method = ancestor switch
                {
                    BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax => model.GetDeclaredSymbol(ancestor, cancellationToken) as IMethodSymbol,
                    AnonymousFunctionExpressionSyntax => model.GetSymbolInfo(ancestor, cancellationToken).Symbol as IMethodSymbol,
                    _ => null,
                };

                IParameterSymbol? cause = method?.Parameters.FirstOrDefault(p => p.Type.AllInterfaces.Contains(eventInterface, SymbolEqualityComparer.Default));
                if (cause is not null)
                {
                    return cause;
                }
            }

            return null;
        }

        /// <summary>OccurredAt is a DateTimeOffset: where a DateTime is wanted, convert the way the replaced clock would have read.</summary>
        private static string TimeConversion(ExpressionSyntax expression, SemanticModel model, System.Threading.CancellationToken cancellationToken)
        {
            if (model.GetTypeInfo(expression, cancellationToken).ConvertedType is not { Name: "DateTime" })
            {
                return string.Empty;
            }

            string member = expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                _ => string.Empty,
            };
            return member switch
            {
                "UtcNow" => ".UtcDateTime",
                "Today" => ".LocalDateTime.Date",
                _ => ".LocalDateTime",
            };
        }

        /// <summary>Adds <c>Member = value</c> to the creation's object initializer, when the property can be set there.</summary>
        private static TextChange? AddToInitializer(BaseObjectCreationExpressionSyntax? creation, string member, string value, SemanticModel model, System.Threading.CancellationToken cancellationToken)
        {
            if (creation is null
                || model.GetTypeInfo(creation, cancellationToken).Type is not INamedTypeSymbol created
                || !Settable(created, member, model, creation.SpanStart))
            {
                return null;
            }

            string assignment = member + " = " + value;
            if (creation.Initializer is not { } initializer)
            {
                return new TextChange(new TextSpan(creation.Span.End, 0), " { " + assignment + " }");
            }

            if (initializer.Expressions.Count == 0)
            {
                return new TextChange(TextSpan.FromBounds(initializer.OpenBraceToken.Span.End, initializer.CloseBraceToken.SpanStart), " " + assignment + " ");
            }

            return new TextChange(new TextSpan(initializer.Expressions.Last().Span.End, 0), ", " + assignment);
        }

        private static bool Settable(INamedTypeSymbol type, string member, SemanticModel model, int position)
        {
            for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
            {
                if (current.GetMembers(member).OfType<IPropertySymbol>().FirstOrDefault() is { } property)
                {
                    return property.SetMethod is { } setter && model.IsAccessible(position, setter);
                }
            }

            return false;
        }
    }
}
