using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EventDriven.Generators.Diagnostics;
using EventDriven.Generators.Helpers;
using EventDriven.Generators.Model;
using EventDriven.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Generators
{
    public sealed partial class DispatchTableGenerator
    {
        /// <summary>Turns symbols into equatable specs. Nothing it returns may hold a symbol, a syntax node or a location.</summary>
        internal static class Parser
        {
            /// <summary>
            /// Reads one <c>[EventHandler]</c> class for both outputs at once: its dispatch-table spec (or why there is none) and the event
            /// types it brings into the catalog. Its publish calls are walked once, for the topology manifest and the catalog alike.
            /// </summary>
            public static HandlerParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            {
                var type = (INamedTypeSymbol)context.TargetSymbol;
                Compilation compilation = context.SemanticModel.Compilation;
                INamedTypeSymbol? handlerInterface = compilation.GetTypeByMetadataName(EventHandlerInterfaceName);
                INamedTypeSymbol? eventInterface = compilation.GetTypeByMetadataName(EventInterfaceName);
                PublishCall? publishes = PublishCall.For(compilation);
                List<INamedTypeSymbol> published = publishes is null || eventInterface is null
                    ? new List<INamedTypeSymbol>()
                    : PublishedEvents.Find(type, context, publishes, eventInterface, cancellationToken);

                // A saga's Define declares events the generated glue handles: they count as handled here, as hand-written shims would.
                SagaGlue.Result saga = SagaGlue.Read(type, context, handlerInterface, cancellationToken);
                EventTypesParseResult eventTypes = handlerInterface is null || eventInterface is null
                    ? EventTypesParseResult.Empty
                    : EventTypeCatalogPipeline.Parser.Parse(type, compilation, handlerInterface, eventInterface, published.Concat(saga.GluedEvents), cancellationToken);
                (HandlerSpec? handler, EquatableArray<DiagnosticInfo> diagnostics) = ParseHandler(context, type, handlerInterface, published, saga, cancellationToken);
                return new HandlerParseResult(handler, diagnostics, eventTypes, handler is null ? null : saga.Spec);
            }

            private static (HandlerSpec? Handler, EquatableArray<DiagnosticInfo> Diagnostics) ParseHandler(
                GeneratorAttributeSyntaxContext context, INamedTypeSymbol type, INamedTypeSymbol? handlerInterface, List<INamedTypeSymbol> published, SagaGlue.Result saga, CancellationToken cancellationToken)
            {
                Location location = ((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation();
                Compilation compilation = context.SemanticModel.Compilation;
                string display = type.DisplayName();
                var diagnostics = new List<DiagnosticInfo>(saga.Diagnostics);

                if (type.IsStatic)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.NoUsableConstructor, location, display));
                }
                else if (type.IsAbstract)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.AbstractHandler, location, display));
                }

                if (type.IsGenericOrInGeneric())
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.GenericHandler, location, display));
                }

                if (type.Inaccessibility() is { } why)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.InaccessibleType, location, display, "the handler '" + display + "'", why));
                }

                var events = new List<HandledEventSpec>();
                if (handlerInterface is not null)
                {
                    // The saga glue's events (none for other handlers) come last: the generated part is not in this compilation.
                    foreach (INamedTypeSymbol implemented in type.AllInterfaces.Concat(saga.GluedEvents.Select(e => handlerInterface.Construct(e))))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, handlerInterface)
                            || implemented.TypeArguments[0] is not INamedTypeSymbol eventType
                            || eventType.TypeKind == TypeKind.Error)
                        {
                            continue;
                        }

                        string eventDisplay = eventType.DisplayName();
                        if (eventType.IsGenericOrInGeneric() && eventType.ContainsTypeParameters())
                        {
                            continue;
                        }

                        if (eventType.Inaccessibility() is { } eventWhy
                            || !compilation.IsSymbolAccessibleWithin(eventType, compilation.Assembly))
                        {
                            diagnostics.Add(DiagnosticInfo.Create(
                                GeneratorDiagnostics.InaccessibleType, location, display, "its event type '" + eventDisplay + "'", eventType.Inaccessibility() ?? "inaccessible"));
                            continue;
                        }

                        events.Add(new HandledEventSpec(
                            eventType.FullyQualifiedName(),
                            eventDisplay,
                            eventType.Name,
                            // The glue's HandleAsync(TEvent, CancellationToken) is public and ordinary, as a hand-written shim's.
                            saga.GluedEvents.Contains(eventType, SymbolEqualityComparer.Default) || CanCallDirectly(type, implemented, eventType)));
                    }
                }

                // An open generic handler's events are type parameters, never usable; EDG002 already says why, and "implements no
                // IEventHandler<TEvent>" would be wrong.
                if (events.Count == 0 && saga.Diagnostics.Count == 0 && !diagnostics.Any(static d => d.Id is GeneratorDiagnostics.InaccessibleTypeId or GeneratorDiagnostics.GenericHandlerId))
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
                    return (null, diagnostics.ToEquatableArray());
                }

                (int order, bool idempotent, bool inbox, int lifetime) = ReadAttribute(context.Attributes);
                bool disposable = type.AllInterfaces.Any(static i => i.DisplayName() is "System.IDisposable" or "System.IAsyncDisposable");
                if (lifetime == TransientLifetime && disposable)
                {
                    return (null, new[] { DiagnosticInfo.Create(GeneratorDiagnostics.DisposableTransientHandler, location, display, "its [EventHandler] attribute") }.ToEquatableArray());
                }

                return (
                    new HandlerSpec(
                        type.FullyQualifiedName(),
                        display,
                        type.Name,
                        order,
                        idempotent,
                        inbox,
                        events.OrderBy(static e => e.DisplayName, StringComparer.Ordinal).ToEquatableArray(),
                        constructor.Parameters.Select(ToParameterSpec).ToEquatableArray(),
                        published.Select(static e => e.DisplayName()).Distinct().OrderBy(static e => e, StringComparer.Ordinal).ToEquatableArray(),
                        lifetime,
                        disposable),
                    EquatableArray<DiagnosticInfo>.Empty);
            }

            /// <summary>
            /// The compilation's name and, in one walk of the referenced assemblies, the generated tables and catalogs they declare
            /// (<c>[assembly: EventDispatchTable(...)]</c>, <c>[assembly: EventTypeCatalog(...)]</c>) for the module initializer.
            /// </summary>
            public static AssemblySpec ParseAssembly(Compilation compilation, CancellationToken cancellationToken)
            {
                int defaultLifetime = SingletonLifetime;
                foreach (AttributeData attribute in compilation.Assembly.GetAttributes())
                {
                    if (attribute.AttributeClass?.DisplayName() == HandlerDefaultsAttributeName)
                    {
                        defaultLifetime = ReadLifetime(attribute.NamedArguments) ?? defaultLifetime;
                    }
                }

                var tables = new SortedSet<string>(StringComparer.Ordinal);
                var catalogs = new SortedSet<string>(StringComparer.Ordinal);
                foreach (IAssemblySymbol referenced in compilation.SourceModule.ReferencedAssemblySymbols)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    foreach (AttributeData attribute in referenced.GetAttributes())
                    {
                        if (attribute.ConstructorArguments.Length != 1
                            || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol generated
                            || attribute.AttributeClass?.DisplayName() is not { } attributeName)
                        {
                            continue;
                        }

                        if (attributeName == TableAttributeName)
                        {
                            tables.Add(generated.FullyQualifiedName());
                        }
                        else if (attributeName == EventTypeCatalogPipeline.CatalogAttributeName)
                        {
                            catalogs.Add(generated.FullyQualifiedName());
                        }
                    }
                }

                return new AssemblySpec(compilation.AssemblyName ?? "Assembly", tables.ToEquatableArray(), catalogs.ToEquatableArray(), defaultLifetime);
            }

            private static (int Order, bool Idempotent, bool Inbox, int Lifetime) ReadAttribute(IEnumerable<AttributeData> attributes)
            {
                int order = 0;
                bool idempotent = false;
                bool inbox = false;
                int lifetime = 0;
                foreach (AttributeData attribute in attributes)
                {
                    lifetime = ReadLifetime(attribute.NamedArguments) ?? lifetime;
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

                return (order, idempotent, inbox, lifetime);
            }

            /// <summary>The <c>Lifetime</c> named argument as its <c>HandlerLifetime</c> number, if present and one of the four.</summary>
            private static int? ReadLifetime(IEnumerable<KeyValuePair<string, TypedConstant>> arguments)
            {
                foreach (KeyValuePair<string, TypedConstant> argument in arguments)
                {
                    if (argument.Key == "Lifetime" && argument.Value.Value is int value && value is >= 0 and <= TransientLifetime)
                    {
                        return value;
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
                    static a => a.AttributeClass?.DisplayName() == "Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructorAttribute"));
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
                string typeName = parameter.Type.FullyQualifiedName();
                if (!parameter.HasExplicitDefaultValue)
                {
                    return new ParameterSpec(typeName, null);
                }

                object? value = parameter.ExplicitDefaultValue;
                string literal = value is null
                    ? "default(" + typeName + ")!"
                    : parameter.Type.TypeKind == TypeKind.Enum
                        ? "(" + typeName + ")(" + Literals.EnumValue(value) + ")"
                        : "(" + typeName + ")" + Literals.Constant(value);

                // 'x is int? y' is not a legal pattern (CS8116): look an optional Nullable<T> up as T; the literal keeps the nullable type.
                string lookupType = parameter.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                    ? nullable.TypeArguments[0].FullyQualifiedName()
                    : typeName;
                return new ParameterSpec(lookupType, literal);
            }
        }
    }
}
