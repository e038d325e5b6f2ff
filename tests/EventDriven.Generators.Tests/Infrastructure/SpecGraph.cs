using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Tests.Infrastructure;

/// <summary>
/// Walks everything reachable from a pipeline output through its fields (records, structs, <c>EquatableArray</c>, arrays) and
/// reports each Roslyn object that must not be cached: symbols, syntax, locations, semantic models, compilations. One of those in a
/// spec keeps a whole compilation alive and, compared by reference, makes every run look like a change.
/// </summary>
internal static class SpecGraph
{
    private static readonly Type[] s_forbidden =
    [
        typeof(ISymbol),
        typeof(SyntaxNode),
        typeof(SyntaxToken),
        typeof(SyntaxTrivia),
        typeof(SyntaxTree),
        typeof(SyntaxReference),
        typeof(Location),
        typeof(SemanticModel),
        typeof(Compilation),
        typeof(IOperation),
        typeof(AttributeData),
        typeof(TypedConstant),
    ];

    /// <summary>Paths (e.g. <c>Handler.Events[0].TypeName</c>) to every forbidden object reachable from <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> FindRoslynObjects(object? root, string rootName)
    {
        var found = new List<string>();
        Walk(root, rootName, new HashSet<object>(ReferenceEqualityComparer.Instance), found);
        return found;
    }

    private static void Walk(object? value, string path, HashSet<object> seen, List<string> found)
    {
        if (value is null)
        {
            return;
        }

        Type type = value.GetType();
        if (s_forbidden.FirstOrDefault(forbidden => forbidden.IsAssignableFrom(type)) is { } what)
        {
            found.Add($"{path} is a {what.Name} ({type.FullName})");
            return;
        }

        if (type.IsPrimitive || type.IsEnum || value is string or decimal or MemberInfo || type.IsPointer)
        {
            return;
        }

        if (!type.IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is Array array)
        {
            int index = 0;
            foreach (object? item in (IEnumerable)array)
            {
                Walk(item, $"{path}[{index++}]", seen, found);
            }

            return;
        }

        for (Type? current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (FieldInfo field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.GetValue(value), path + "." + PropertyName(field), seen, found);
            }
        }
    }

    /// <summary>Record properties are stored in <c>&lt;Name&gt;k__BackingField</c>; report the property name.</summary>
    private static string PropertyName(FieldInfo field)
        => field.Name.StartsWith('<') && field.Name.IndexOf('>', StringComparison.Ordinal) is > 1 and var end
            ? field.Name[1..end]
            : field.Name;
}
