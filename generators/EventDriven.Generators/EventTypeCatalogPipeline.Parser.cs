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
    internal static partial class EventTypeCatalogPipeline
    {
        /// <summary>
        /// Reads the event types an <c>[EventHandler]</c> class handles or publishes into <see cref="EventTypeSpec"/>s: the constant
        /// <c>EventType</c> name, the schema version and JSON metadata for every type the event reaches. Nothing it returns may hold
        /// a symbol, a syntax node or a location.
        /// </summary>
        internal static class Parser
        {
            /// <param name="handler">The <c>[EventHandler]</c> class.</param>
            /// <param name="published">The events its publish calls name, found once for the manifest and the catalog.</param>
            public static EventTypesParseResult Parse(
                INamedTypeSymbol handler,
                Compilation compilation,
                INamedTypeSymbol handlerInterface,
                INamedTypeSymbol eventInterface,
                IEnumerable<INamedTypeSymbol> published,
                CancellationToken cancellationToken)
            {
                var eventTypes = new Dictionary<string, INamedTypeSymbol>(StringComparer.Ordinal);
                foreach (INamedTypeSymbol implemented in handler.AllInterfaces)
                {
                    if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, handlerInterface)
                        && implemented.TypeArguments[0] is INamedTypeSymbol handled)
                    {
                        AddIfUsable(handled, eventInterface, compilation, eventTypes);
                    }
                }

                foreach (INamedTypeSymbol publishedType in published)
                {
                    AddIfUsable(publishedType, eventInterface, compilation, eventTypes);
                }

                return Describe(eventTypes.Values, compilation, eventInterface, cancellationToken);
            }

            /// <summary>
            /// Reads an event type declared in this compilation whether or not a handler names it, so an event only stored (appended,
            /// replayed, read by a projection) has its name and metadata too; <see cref="EventTypesParseResult.Empty"/> for anything else.
            /// </summary>
            public static EventTypesParseResult ParseDeclared(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
            {
                if (compilation.GetTypeByMetadataName(DispatchTableGenerator.EventInterfaceName) is not { } eventInterface)
                {
                    return EventTypesParseResult.Empty;
                }

                var eventTypes = new Dictionary<string, INamedTypeSymbol>(StringComparer.Ordinal);
                AddIfUsable(type, eventInterface, compilation, eventTypes);
                return eventTypes.Count == 0 ? EventTypesParseResult.Empty : Describe(eventTypes.Values, compilation, eventInterface, cancellationToken);
            }

            private static EventTypesParseResult Describe(IEnumerable<INamedTypeSymbol> eventTypes, Compilation compilation, INamedTypeSymbol eventInterface, CancellationToken cancellationToken)
            {
                var events = new List<EventTypeSpec>();
                var names = new List<EventNameSite>();
                var diagnostics = new List<DiagnosticInfo>();
                foreach (INamedTypeSymbol eventType in eventTypes)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    string display = eventType.DisplayName();
                    (string? name, Location nameLocation) = ReadName(eventType, eventInterface, compilation, cancellationToken);

                    if (name is not null)
                    {
                        names.Add(new EventNameSite(display, name, LocationInfo.From(nameLocation)));
                    }
                    else if (nameLocation.IsInSource)
                    {
                        // An event declared in a referenced assembly has no source to read here; that assembly's own catalog names it.
                        diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.EventTypeNameNotConstant, nameLocation, display));
                    }

                    var graph = new JsonTypeGraph(compilation);
                    EquatableArray<JsonTypeSpec> jsonTypes = EquatableArray<JsonTypeSpec>.Empty;
                    if (graph.TryDescribe(eventType, eventType.Name))
                    {
                        jsonTypes = graph.Types.Values.OrderBy(static t => t.TypeName, StringComparer.Ordinal).ToEquatableArray();
                    }
                    else
                    {
                        JsonTypeGraph.Failure failure = graph.FirstFailure!;
                        diagnostics.Add(DiagnosticInfo.Create(
                            GeneratorDiagnostics.UndescribableEventType,
                            failure.Location ?? eventType.FirstLocation(),
                            display,
                            failure.MemberPath,
                            failure.Type.DisplayName(),
                            failure.Reason));
                    }

                    events.Add(new EventTypeSpec(
                        eventType.FullyQualifiedName(),
                        display,
                        name,
                        ReadSchemaVersion(eventType),
                        jsonTypes));
                }

                return new EventTypesParseResult(
                    events.OrderBy(static e => e.DisplayName, StringComparer.Ordinal).ToEquatableArray(),
                    names.OrderBy(static n => n.DisplayName, StringComparer.Ordinal).ToEquatableArray(),
                    diagnostics.ToEquatableArray());
            }

            /// <summary>Keeps event types the generated code can name: closed, not erroneous, accessible from the assembly's namespace level.</summary>
            private static void AddIfUsable(INamedTypeSymbol eventType, INamedTypeSymbol eventInterface, Compilation compilation, Dictionary<string, INamedTypeSymbol> eventTypes)
            {
                if (eventType.TypeKind == TypeKind.Error
                    || eventType.IsAbstract
                    || eventType.TypeKind is not (TypeKind.Class or TypeKind.Struct)
                    || eventType.ContainsTypeParameters()
                    || !eventType.IsNameable(compilation)
                    || !eventType.AllInterfaces.Contains(eventInterface, SymbolEqualityComparer.Default))
                {
                    return;
                }

                string key = eventType.FullyQualifiedName();
                if (!eventTypes.ContainsKey(key))
                {
                    eventTypes.Add(key, eventType);
                }
            }

            /// <summary>
            /// The constant the event's <c>EventType</c> returns: an expression body, a getter returning a single expression, or a
            /// get-only auto-property initializer, each a literal, a const or <c>nameof</c>. Null otherwise, with where to say so.
            /// </summary>
            private static (string? Name, Location Location) ReadName(INamedTypeSymbol eventType, INamedTypeSymbol eventInterface, Compilation compilation, CancellationToken cancellationToken)
            {
                IPropertySymbol? property = FindEventTypeProperty(eventType, eventInterface);
                Location location = property?.Locations.FirstOrDefault(static l => l.IsInSource) ?? eventType.FirstLocation();
                if (property is null || property.IsAbstract || property.DeclaringSyntaxReferences.Length == 0)
                {
                    return (null, location);
                }

                if (property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not PropertyDeclarationSyntax declaration)
                {
                    // A positional record parameter: the value comes from the caller.
                    return (null, location);
                }

                ExpressionSyntax? expression = declaration.ExpressionBody?.Expression;
                if (expression is null && declaration.AccessorList is { } accessors)
                {
                    if (accessors.Accessors.Any(static a => !a.IsKind(SyntaxKind.GetAccessorDeclaration)))
                    {
                        return (null, location);
                    }

                    AccessorDeclarationSyntax? getter = accessors.Accessors.FirstOrDefault();
                    expression = getter switch
                    {
                        { ExpressionBody: { } body } => body.Expression,
                        { Body: { Statements: { Count: 1 } statements } } when statements[0] is ReturnStatementSyntax { Expression: { } returned } => returned,
                        { Body: null, ExpressionBody: null } => declaration.Initializer?.Value,
                        _ => null,
                    };
                }

                if (expression is null)
                {
                    return (null, location);
                }

                SemanticModel model = compilation.GetSemanticModel(declaration.SyntaxTree);
                if (!eventType.IsGenericOrInGeneric() && TypeNameOfInstance(expression, model, cancellationToken) is { } member)
                {
                    // 'EventType => GetType().Name' (usually on a base class): a constant per concrete type, known here.
                    return (member == "Name" ? eventType.MetadataName : ClrFullName(eventType), location);
                }

                Optional<object?> constant = model.GetConstantValue(expression, cancellationToken);
                return constant.HasValue && constant.Value is string name && name.Trim().Length > 0 ? (name, location) : (null, location);
            }

            /// <summary>
            /// "Name" or "FullName" when <paramref name="expression"/> is <c>GetType().Name</c> or <c>GetType().FullName</c> (with
            /// <c>this.</c> or a <c>!</c>) on the instance itself, whose value for a concrete non-generic type is known at compile time.
            /// </summary>
            private static string? TypeNameOfInstance(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
            {
                if (expression is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed)
                {
                    expression = suppressed.Operand;
                }

                if (expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Name" or "FullName" } access
                    || access.Expression is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } invocation
                    || invocation.Expression is not (IdentifierNameSyntax { Identifier.ValueText: "GetType" } or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name.Identifier.ValueText: "GetType" })
                    || model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { ContainingType.SpecialType: SpecialType.System_Object }
                    || model.GetSymbolInfo(access, cancellationToken).Symbol is not IPropertySymbol { ContainingType: { } declaring }
                    || declaring.ToDisplayString() is not ("System.Type" or "System.Reflection.MemberInfo"))
                {
                    return null;
                }

                return access.Name.Identifier.ValueText;
            }

            /// <summary><c>Type.FullName</c> of a non-generic type (a generic one's carries its arguments, and every closed type shares its Name): namespace, then containing types joined by '+'.</summary>
            private static string ClrFullName(INamedTypeSymbol type)
            {
                string name = type.MetadataName;
                for (INamedTypeSymbol? containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
                {
                    name = containing.MetadataName + "+" + name;
                }

                return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
            }

            /// <summary>The most derived non-static <c>EventType</c> property that implements <c>IEvent.EventType</c> (overrides included).</summary>
            private static IPropertySymbol? FindEventTypeProperty(INamedTypeSymbol eventType, INamedTypeSymbol eventInterface)
            {
                IPropertySymbol? interfaceProperty = eventInterface.GetMembers("EventType").OfType<IPropertySymbol>().FirstOrDefault();
                if (interfaceProperty is null || eventType.FindImplementationForInterfaceMember(interfaceProperty) is not IPropertySymbol implementation)
                {
                    return null;
                }

                if (implementation.ExplicitInterfaceImplementations.Length > 0)
                {
                    return implementation;
                }

                for (INamedTypeSymbol? current = eventType; current is not null; current = current.BaseType)
                {
                    foreach (IPropertySymbol candidate in current.GetMembers("EventType").OfType<IPropertySymbol>())
                    {
                        if (!candidate.IsStatic && candidate.Parameters.Length == 0)
                        {
                            return candidate;
                        }
                    }
                }

                return implementation;
            }

            private static int ReadSchemaVersion(INamedTypeSymbol eventType)
            {
                foreach (AttributeData attribute in eventType.GetAttributes())
                {
                    if (attribute.AttributeClass?.DisplayName() == EventSchemaVersionAttributeName
                        && attribute.ConstructorArguments.Length == 1
                        && attribute.ConstructorArguments[0].Value is int version
                        && version >= 1)
                    {
                        return version;
                    }
                }

                return 1;
            }
        }
    }
}
