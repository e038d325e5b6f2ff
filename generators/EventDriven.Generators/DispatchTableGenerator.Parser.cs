using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EventDriven.Generators.Diagnostics;
using EventDriven.Generators.Helpers;
using EventDriven.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Generators
{
    public sealed partial class DispatchTableGenerator
    {
        /// <summary>Turns symbols into equatable specs. Nothing it returns may hold a symbol, a syntax node or a location.</summary>
        internal static class Parser
        {
            private static readonly SymbolDisplayFormat s_displayFormat = SymbolDisplayFormat.FullyQualifiedFormat
                .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

            public static HandlerParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            {
                var type = (INamedTypeSymbol)context.TargetSymbol;
                Location location = ((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation();
                Compilation compilation = context.SemanticModel.Compilation;
                string display = type.ToDisplayString(s_displayFormat);
                var diagnostics = new List<DiagnosticInfo>();

                if (type.IsStatic)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.NoUsableConstructor, location, display));
                }
                else if (type.IsAbstract)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.AbstractHandler, location, display));
                }

                if (IsGenericOrInGeneric(type))
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.GenericHandler, location, display));
                }

                if (Inaccessibility(type) is { } why)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.InaccessibleType, location, display, "the handler '" + display + "'", why));
                }

                INamedTypeSymbol? handlerInterface = compilation.GetTypeByMetadataName(EventHandlerInterfaceName);
                var events = new List<HandledEventSpec>();
                if (handlerInterface is not null)
                {
                    foreach (INamedTypeSymbol implemented in type.AllInterfaces)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, handlerInterface)
                            || implemented.TypeArguments[0] is not INamedTypeSymbol eventType
                            || eventType.TypeKind == TypeKind.Error)
                        {
                            continue;
                        }

                        string eventDisplay = eventType.ToDisplayString(s_displayFormat);
                        if (IsGenericOrInGeneric(eventType) && ContainsTypeParameters(eventType))
                        {
                            continue;
                        }

                        if (Inaccessibility(eventType) is { } eventWhy
                            || !compilation.IsSymbolAccessibleWithin(eventType, compilation.Assembly))
                        {
                            diagnostics.Add(DiagnosticInfo.Create(
                                GeneratorDiagnostics.InaccessibleType, location, display, "its event type '" + eventDisplay + "'", Inaccessibility(eventType) ?? "inaccessible"));
                            continue;
                        }

                        events.Add(new HandledEventSpec(
                            eventType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                            eventDisplay,
                            eventType.Name,
                            CanCallDirectly(type, implemented, eventType)));
                    }
                }

                // An open generic handler's events are type parameters, never usable; EDG002 already says why, and "implements no
                // IEventHandler<TEvent>" would be wrong.
                if (events.Count == 0 && !diagnostics.Any(static d => d.Id is GeneratorDiagnostics.InaccessibleTypeId or GeneratorDiagnostics.GenericHandlerId))
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.NotAHandler, location, display));
                }

                IMethodSymbol? constructor = null;
                if (!type.IsStatic && !type.IsAbstract)
                {
                    constructor = ChooseConstructor(type, location, display, diagnostics);
                }

                if (diagnostics.Count > 0 || constructor is null)
                {
                    return new HandlerParseResult(null, diagnostics.ToEquatableArray());
                }

                (int order, bool idempotent, bool inbox) = ReadAttribute(context.Attributes);
                return new HandlerParseResult(
                    new HandlerSpec(
                        type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                        display,
                        type.Name,
                        order,
                        idempotent,
                        inbox,
                        events.OrderBy(static e => e.DisplayName, StringComparer.Ordinal).ToEquatableArray(),
                        constructor.Parameters.Select(ToParameterSpec).ToEquatableArray(),
                        FindPublishedEvents(type, context, cancellationToken)),
                    EquatableArray<DiagnosticInfo>.Empty);
            }

            public static AssemblySpec ParseAssembly(Compilation compilation, CancellationToken cancellationToken)
            {
                var tables = new SortedSet<string>(StringComparer.Ordinal);
                foreach (IAssemblySymbol referenced in compilation.SourceModule.ReferencedAssemblySymbols)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    foreach (AttributeData attribute in referenced.GetAttributes())
                    {
                        if (attribute.AttributeClass?.ToDisplayString(s_displayFormat) == TableAttributeName
                            && attribute.ConstructorArguments.Length == 1
                            && attribute.ConstructorArguments[0].Value is INamedTypeSymbol table)
                        {
                            tables.Add(table.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
                        }
                    }
                }

                return new AssemblySpec(compilation.AssemblyName ?? "Assembly", tables.ToEquatableArray());
            }

            private static (int Order, bool Idempotent, bool Inbox) ReadAttribute(IEnumerable<AttributeData> attributes)
            {
                int order = 0;
                bool idempotent = false;
                bool inbox = false;
                foreach (AttributeData attribute in attributes)
                {
                    foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                    {
                        switch (argument.Key)
                        {
                            case "Order" when argument.Value.Value is int value:
                                order = value;
                                break;
                            case "Idempotent" when argument.Value.Value is bool value:
                                idempotent = value;
                                break;
                            case "Inbox" when argument.Value.Value is bool value:
                                inbox = value;
                                break;
                        }
                    }
                }

                return (order, idempotent, inbox);
            }

            private static bool IsGenericOrInGeneric(INamedTypeSymbol type)
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

            private static bool ContainsTypeParameters(ITypeSymbol type) => type switch
            {
                ITypeParameterSymbol => true,
                INamedTypeSymbol named => named.TypeArguments.Any(ContainsTypeParameters) || (named.ContainingType is { } outer && ContainsTypeParameters(outer)),
                IArrayTypeSymbol array => ContainsTypeParameters(array.ElementType),
                _ => false,
            };

            /// <summary>Why code at namespace level of the same assembly cannot name <paramref name="type"/>, or null when it can.</summary>
            private static string? Inaccessibility(INamedTypeSymbol type)
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

            /// <summary>
            /// True when <c>handler.HandleAsync(e, ct)</c> written against the concrete type binds to the method implementing
            /// <paramref name="implemented"/>: a public, ordinary method whose parameters are exactly (TEvent, CancellationToken)
            /// and that no member of a more derived class hides.
            /// </summary>
            private static bool CanCallDirectly(INamedTypeSymbol handler, INamedTypeSymbol implemented, INamedTypeSymbol eventType)
            {
                IMethodSymbol? interfaceMethod = implemented.GetMembers("HandleAsync").OfType<IMethodSymbol>().FirstOrDefault();
                if (interfaceMethod is null
                    || handler.FindImplementationForInterfaceMember(interfaceMethod) is not IMethodSymbol implementation
                    || implementation.MethodKind != MethodKind.Ordinary
                    || implementation.DeclaredAccessibility != Accessibility.Public
                    || implementation.IsStatic
                    || !HasHandleSignature(implementation, eventType))
                {
                    return false;
                }

                for (INamedTypeSymbol? current = handler; current is not null; current = current.BaseType)
                {
                    foreach (IMethodSymbol candidate in current.GetMembers("HandleAsync").OfType<IMethodSymbol>())
                    {
                        if (HasHandleSignature(candidate, eventType))
                        {
                            // The first match walking up from the concrete type is what overload resolution binds to.
                            return SymbolEqualityComparer.Default.Equals(candidate, implementation)
                                || SymbolEqualityComparer.Default.Equals(candidate.OverriddenMethod?.OriginalDefinition, implementation.OriginalDefinition)
                                || SymbolEqualityComparer.Default.Equals(implementation.OverriddenMethod, candidate);
                        }
                    }
                }

                return false;
            }

            private static bool HasHandleSignature(IMethodSymbol method, INamedTypeSymbol eventType)
                => method.Parameters.Length == 2
                    && method.TypeParameters.Length == 0
                    && method.Parameters[0].RefKind == RefKind.None
                    && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, eventType)
                    && method.Parameters[1].Type.ToDisplayString() == "System.Threading.CancellationToken";

            private static IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, Location location, string display, List<DiagnosticInfo> diagnostics)
            {
                IMethodSymbol[] usable = type.InstanceConstructors
                    .Where(static c => c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
                    .ToArray();
                if (usable.Length == 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.NoUsableConstructor, location, display));
                    return null;
                }

                IMethodSymbol? marked = usable.FirstOrDefault(static c => c.GetAttributes().Any(
                    static a => a.AttributeClass?.ToDisplayString(s_displayFormat) == "Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructorAttribute"));
                if (marked is not null)
                {
                    return marked;
                }

                int most = usable.Max(static c => c.Parameters.Length);
                IMethodSymbol[] longest = usable.Where(c => c.Parameters.Length == most).ToArray();
                if (longest.Length > 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        GeneratorDiagnostics.AmbiguousConstructor, location, display, longest.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), most.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    return null;
                }

                return longest[0];
            }

            private static ParameterSpec ToParameterSpec(IParameterSymbol parameter)
            {
                string typeName = parameter.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                if (!parameter.HasExplicitDefaultValue)
                {
                    return new ParameterSpec(typeName, null);
                }

                object? value = parameter.ExplicitDefaultValue;
                string literal = value is null
                    ? "default(" + typeName + ")!"
                    : parameter.Type.TypeKind == TypeKind.Enum
                        ? "(" + typeName + ")(" + SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false) + ")"
                        : "(" + typeName + ")" + ConstantLiteral(value);

                // 'x is int? y' is not a legal pattern (CS8116): look an optional Nullable<T> up as T; the literal keeps the nullable type.
                string lookupType = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                    ? nullable.TypeArguments[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
                    : typeName;
                return new ParameterSpec(lookupType, literal);
            }

            /// <summary>
            /// C# for a constant default value. FormatPrimitive writes no type suffix, so decimals and floats get one (a decimal written
            /// as a double literal loses digits), and non-finite floating-point values are named, since 'NaN' is not a literal.
            /// </summary>
            private static string ConstantLiteral(object value) => value switch
            {
                double d when double.IsNaN(d) => "double.NaN",
                double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
                double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
                float f when float.IsNaN(f) => "float.NaN",
                float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
                float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
                float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f",
                decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture) + "m",
                _ => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false),
            };

            /// <summary>
            /// The events the handler publishes through <c>IEventBus.PublishAsync&lt;T&gt;</c> in its own source, for the topology manifest.
            /// Calls hidden behind helpers in other types are not seen.
            /// </summary>
            private static EquatableArray<string> FindPublishedEvents(INamedTypeSymbol type, GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            {
                var published = new SortedSet<string>(StringComparer.Ordinal);
                foreach (INamedTypeSymbol eventType in PublishCalls.FindPublishedEventTypes(type, context, static e => e.AllInterfaces.Any(static i => i.ToDisplayString(s_displayFormat) == EventInterfaceName), cancellationToken))
                {
                    published.Add(eventType.ToDisplayString(s_displayFormat));
                }

                return published.ToEquatableArray();
            }
        }
    }
}
