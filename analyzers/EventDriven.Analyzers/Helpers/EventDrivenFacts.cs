using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace EventDriven.Analyzers.Helpers
{
    /// <summary>What the EventDriven contracts mean for a symbol: is it a handler, which events does it handle, is this call a publish.</summary>
    internal static class EventDrivenFacts
    {
        public const string HandleMethodName = "HandleAsync";

        public static AttributeData? FindEventHandlerAttribute(this INamedTypeSymbol type, WellKnownTypes types)
        {
            foreach (AttributeData attribute in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, types.EventHandlerAttribute))
                {
                    return attribute;
                }
            }

            return null;
        }

        /// <summary>True when the <c>[EventHandler]</c> sets <c>Idempotent = true</c>: the author's promise that handling twice is safe.</summary>
        public static bool IsIdempotent(this AttributeData attribute) => attribute.SetsTrue("Idempotent");

        /// <summary>
        /// True when the <c>[EventHandler]</c> sets <c>Inbox = true</c>: the generated dispatcher skips event ids the handler already
        /// handled, through the registered durable inbox.
        /// </summary>
        public static bool UsesInbox(this AttributeData attribute) => attribute.SetsTrue("Inbox");

        private static bool SetsTrue(this AttributeData attribute, string property)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == property && argument.Value.Value is true)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The closed <c>IEventHandler&lt;T&gt;</c> interfaces <paramref name="type"/> implements, and their <c>T</c>.</summary>
        public static ImmutableArray<(INamedTypeSymbol Interface, ITypeSymbol Event)> HandledEvents(this ITypeSymbol type, WellKnownTypes types)
        {
            ImmutableArray<(INamedTypeSymbol, ITypeSymbol)>.Builder? result = null;
            foreach (INamedTypeSymbol implemented in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, types.EventHandler))
                {
                    (result ??= ImmutableArray.CreateBuilder<(INamedTypeSymbol, ITypeSymbol)>()).Add((implemented, implemented.TypeArguments[0]));
                }
            }

            return result?.ToImmutable() ?? ImmutableArray<(INamedTypeSymbol, ITypeSymbol)>.Empty;
        }

        /// <summary>The <c>HandleAsync</c> methods <paramref name="type"/> itself declares as implementations of <c>IEventHandler&lt;T&gt;</c>.</summary>
        public static ImmutableArray<IMethodSymbol> DeclaredHandleMethods(this INamedTypeSymbol type, WellKnownTypes types)
        {
            ImmutableArray<IMethodSymbol>.Builder? result = null;
            foreach ((INamedTypeSymbol implemented, _) in type.HandledEvents(types))
            {
                foreach (ISymbol member in implemented.GetMembers(HandleMethodName))
                {
                    if (type.FindImplementationForInterfaceMember(member) is IMethodSymbol method
                        && SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, type.OriginalDefinition))
                    {
                        result ??= ImmutableArray.CreateBuilder<IMethodSymbol>();
                        if (!result.Contains(method, SymbolEqualityComparer.Default))
                        {
                            result.Add(method);
                        }
                    }
                }
            }

            return result?.ToImmutable() ?? ImmutableArray<IMethodSymbol>.Empty;
        }

        public static bool IsEvent(this ITypeSymbol type, WellKnownTypes types)
        {
            if (SymbolEqualityComparer.Default.Equals(type, types.Event))
            {
                return true;
            }

            foreach (INamedTypeSymbol implemented in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented, types.Event))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>PublishAsync&lt;T&gt;</c> or <c>PublishBatchAsync&lt;T&gt;</c> of <c>IEventBus</c> or a class implementing it, or a saga's
        /// <c>SagaContext.PublishAsync&lt;T&gt;</c>: the definition the generator's topology manifest and event type catalog share
        /// (<see cref="PublishCall"/>).
        /// </summary>
        public static bool IsPublish(this IMethodSymbol method, WellKnownTypes types) => types.Publishes.IsPublish(method);

        /// <summary><c>Subscribe&lt;T&gt;</c> of <c>IEventBus</c> or a class implementing it.</summary>
        public static bool IsSubscribe(this IMethodSymbol method, WellKnownTypes types)
            => method.Name == "Subscribe" && types.Publishes.IsBusMethod(method);

        public static bool ContainsTypeParameters(this ITypeSymbol type) => type switch
        {
            ITypeParameterSymbol => true,
            IErrorTypeSymbol => true,
            IArrayTypeSymbol array => array.ElementType.ContainsTypeParameters(),
            INamedTypeSymbol named => ContainsTypeParameters(named),
            _ => false,
        };

        public static bool InheritsFromOrEquals(this ITypeSymbol? type, ITypeSymbol? baseType)
        {
            if (baseType is null)
            {
                return false;
            }

            for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        public static bool Implements(this ITypeSymbol? type, ITypeSymbol? @interface)
        {
            if (type is null || @interface is null)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, @interface.OriginalDefinition))
            {
                return true;
            }

            foreach (INamedTypeSymbol implemented in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, @interface.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when code in another assembly can name <paramref name="symbol"/> (public all the way out, or internal with friends).</summary>
        public static bool IsVisibleOutside(this ISymbol symbol, bool assemblyHasFriends)
        {
            for (ISymbol? current = symbol; current is not null && current is not INamespaceSymbol; current = current.ContainingSymbol)
            {
                if (current is INamedTypeSymbol { IsFileLocal: true })
                {
                    return false;
                }

                switch (current.DeclaredAccessibility)
                {
                    case Accessibility.Public:
                    case Accessibility.Protected:
                    case Accessibility.ProtectedOrInternal:
                        continue;
                    case Accessibility.Internal:
                    case Accessibility.ProtectedAndInternal:
                        if (assemblyHasFriends)
                        {
                            continue;
                        }

                        return false;
                    default:
                        return false;
                }
            }

            return true;
        }

        public static bool HasFriendAssemblies(this IAssemblySymbol assembly)
        {
            foreach (AttributeData attribute in assembly.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "InternalsVisibleToAttribute" } attributeClass
                    && attributeClass.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices")
                {
                    return true;
                }
            }

            return false;
        }

        private static bool ContainsTypeParameters(INamedTypeSymbol named)
        {
            foreach (ITypeSymbol argument in named.TypeArguments)
            {
                if (argument.ContainsTypeParameters())
                {
                    return true;
                }
            }

            return named.ContainingType is { } outer && ContainsTypeParameters(outer);
        }
    }
}
