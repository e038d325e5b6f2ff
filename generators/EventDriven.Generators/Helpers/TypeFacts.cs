using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EventDriven.Generators.Helpers
{
    /// <summary>What the parsers of table and catalog both ask of a type: how to name it, and whether generated code can.</summary>
    internal static class TypeFacts
    {
        /// <summary>Full names without <c>global::</c>, e.g. <c>Shop.OrderPlaced</c>: display names and sort keys.</summary>
        public static readonly SymbolDisplayFormat DisplayFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

        /// <summary>The full name without <c>global::</c>.</summary>
        public static string DisplayName(this ISymbol symbol) => symbol.ToDisplayString(DisplayFormat);

        /// <summary>The fully qualified name generated code writes, e.g. <c>global::Shop.OrderPlaced</c>.</summary>
        public static string FullyQualifiedName(this ISymbol symbol) => symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        public static bool IsGenericOrInGeneric(this INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.TypeParameters.Length > 0)
                {
                    return true;
                }
            }

            return false;
        }

        public static bool ContainsTypeParameters(this ITypeSymbol type) => type switch
        {
            ITypeParameterSymbol => true,
            INamedTypeSymbol named => named.TypeArguments.Any(ContainsTypeParameters) || (named.ContainingType is { } outer && ContainsTypeParameters(outer)),
            IArrayTypeSymbol array => ContainsTypeParameters(array.ElementType),
            _ => false,
        };

        /// <summary>Why code at namespace level of the same assembly cannot name <paramref name="type"/>, or null when it can.</summary>
        public static string? Inaccessibility(this INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsFileLocal)
                {
                    return SymbolEqualityComparer.Default.Equals(current, type) ? "file-local" : "nested in the file-local type '" + current.Name + "'";
                }

                switch (current.DeclaredAccessibility)
                {
                    case Accessibility.Public:
                    case Accessibility.Internal:
                    case Accessibility.ProtectedOrInternal:
                        continue;
                    default:
                        string level = SyntaxFacts.GetText(current.DeclaredAccessibility);
                        return SymbolEqualityComparer.Default.Equals(current, type) ? level : "nested in the " + level + " type '" + current.Name + "'";
                }
            }

            return null;
        }

        /// <summary>Whether generated code at namespace level of this assembly can name <paramref name="type"/> (and its type arguments).</summary>
        public static bool IsNameable(this ITypeSymbol type, Compilation compilation) => type switch
        {
            IArrayTypeSymbol array => IsNameable(array.ElementType, compilation),
            INamedTypeSymbol named => named.Inaccessibility() is null
                && compilation.IsSymbolAccessibleWithin(named, compilation.Assembly)
                && named.TypeArguments.All(t => IsNameable(t, compilation)),
            _ => false,
        };

        /// <summary>The first place in source the symbol is declared, or <see cref="Location.None"/>.</summary>
        public static Location FirstLocation(this ISymbol symbol) => symbol.Locations.FirstOrDefault(static l => l.IsInSource) ?? Location.None;
    }
}
