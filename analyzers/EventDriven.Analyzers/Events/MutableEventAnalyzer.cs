using System.Collections.Immutable;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace EventDriven.Analyzers.Events
{
    /// <summary>
    /// ED0009: an <c>IEvent</c> type that can be changed after it is created: a public <c>set</c> accessor (not <c>init</c>), a public
    /// non-readonly instance field, or a positional <c>record struct</c> that is not <c>readonly</c> (its properties get setters).
    /// </summary>
    /// <remarks>
    /// Only members the event type declares itself are checked, so a base class that is not an event is not blamed for its
    /// derived events. Non-public setters, static members and indexers are left alone: no other handler can reach them.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MutableEventAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.MutableEvent);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start =>
            {
                if (WellKnownTypes.TryCreate(start.Compilation) is not { } types)
                {
                    return;
                }

                start.RegisterSymbolAction(symbol => Analyze(symbol, types), SymbolKind.NamedType);
            });
        }

        private static void Analyze(SymbolAnalysisContext context, WellKnownTypes types)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || !type.IsEvent(types))
            {
                return;
            }

            string? eventName = null;
            bool reportedPositional = false;
            foreach (ISymbol member in type.GetMembers())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                switch (member)
                {
                    case IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, SetMethod: { IsInitOnly: false, DeclaredAccessibility: Accessibility.Public } } property:
                        if (SetterLocation(property, context.CancellationToken) is { } setter)
                        {
                            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutableEvent, setter, Kind(DiagnosticProperties.SetAccessor), property.Name, eventName ??= Display(type)));
                        }
                        else if (!reportedPositional && PositionalRecordStruct(type, context.CancellationToken) is { } record)
                        {
                            // record struct E(Guid Id): the compiler writes { get; set; }; report once, on the record, whose fix is 'readonly'.
                            reportedPositional = true;
                            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutableEvent, record.Identifier.GetLocation(), Kind(DiagnosticProperties.PositionalRecordStruct), property.Name, eventName ??= Display(type)));
                        }

                        break;
                    case IFieldSymbol { IsStatic: false, IsConst: false, IsReadOnly: false, IsImplicitlyDeclared: false, DeclaredAccessibility: Accessibility.Public } field:
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MutableEvent, field.Locations[0], Kind(DiagnosticProperties.Field), field.Name, eventName ??= Display(type)));
                        break;
                }
            }
        }

        private static string Display(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

        private static Location? SetterLocation(IPropertySymbol property, System.Threading.CancellationToken cancellationToken)
        {
            foreach (SyntaxReference reference in property.SetMethod!.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is AccessorDeclarationSyntax accessor)
                {
                    return accessor.Keyword.GetLocation();
                }
            }

            return null;
        }

        private static RecordDeclarationSyntax? PositionalRecordStruct(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
        {
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is RecordDeclarationSyntax { ParameterList: not null } record
                    && record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword)
                    && !record.Modifiers.Any(SyntaxKind.ReadOnlyKeyword))
                {
                    return record;
                }
            }

            return null;
        }

        private static ImmutableDictionary<string, string?> Kind(string kind)
            => ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.MutableKind, kind);
    }
}
