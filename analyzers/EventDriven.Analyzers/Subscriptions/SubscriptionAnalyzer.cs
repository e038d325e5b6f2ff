using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using EventDriven.Analyzers.Helpers;
using EventDriven.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Analyzers.Subscriptions
{
    /// <summary>
    /// Matches what is published with what is handled, over the whole compilation plus the handled-event lists that the generator
    /// stamps on every referenced assembly with handlers (<c>EventDispatchTableAttribute.HandledEvents</c>):
    /// ED0001 (a publish nobody handles), ED0002 (a handler of an event nobody publishes), ED0003 (an IEventHandler that never runs).
    /// </summary>
    /// <remarks>
    /// All three need the whole compilation, so they are reported at compilation end: on the command line always, in the IDE with
    /// full-solution analysis. Each stays silent when it cannot be sure: an open generic publish or subscribe (<c>Subscribe&lt;T&gt;</c>
    /// inside a generic helper) could name any event, and in a class library a public event may be handled, and a public handler
    /// subscribed, by the application that references it.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SubscriptionAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.MissingSubscription,
            DiagnosticDescriptors.UnpublishedEvent,
            DiagnosticDescriptors.UnregisteredHandler);

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

                // Syntax actions, not operation actions: an operation action on every invocation would make the compiler build the
                // operation tree of every method body in the project. Only calls named PublishAsync/PublishBatchAsync/Subscribe are bound.
                var state = new CompilationState(types);
                start.RegisterSyntaxNodeAction(state.AnalyzeInvocation, SyntaxKind.InvocationExpression);
                start.RegisterSyntaxNodeAction(state.AnalyzeTypeUse, SyntaxKind.ObjectCreationExpression, SyntaxKind.ImplicitObjectCreationExpression, SyntaxKind.TypeOfExpression, SyntaxKind.TypeArgumentList);
                start.RegisterSymbolAction(state.AnalyzeType, SymbolKind.NamedType);
                start.RegisterCompilationEndAction(state.Report);
            });
        }

        private sealed class CompilationState(WellKnownTypes types)
        {
            private readonly ConcurrentBag<(ITypeSymbol Event, Location Location)> _publishes = [];
            private readonly ConcurrentDictionary<ITypeSymbol, bool> _published = new(SymbolEqualityComparer.Default);
            private readonly ConcurrentDictionary<ITypeSymbol, bool> _subscribed = new(SymbolEqualityComparer.Default);
            private readonly ConcurrentBag<ITypeSymbol> _subscriberArgumentTypes = [];
            private readonly ConcurrentDictionary<string, bool> _usedNames = new(System.StringComparer.Ordinal);
            private readonly ConcurrentBag<(INamedTypeSymbol Handler, ITypeSymbol Event, Location Location)> _markedHandlers = [];
            private readonly ConcurrentBag<INamedTypeSymbol> _unmarkedHandlers = [];
            private int _openPublish;
            private int _openSubscribe;

            public void AnalyzeInvocation(SyntaxNodeAnalysisContext context)
            {
                var invocation = (InvocationExpressionSyntax)context.Node;
                string? name = PublishCall.InvokedName(invocation);
                if (!(PublishCall.HasPublishName(name) || name == "Subscribe")
                    || context.SemanticModel.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol method)
                {
                    return;
                }

                if (method.IsPublish(types))
                {
                    ITypeSymbol published = method.TypeArguments[0];
                    if (published.ContainsTypeParameters())
                    {
                        _openPublish = 1;
                    }
                    else
                    {
                        _published.TryAdd(published, true);
                        _publishes.Add((published, invocation.GetLocation()));
                    }
                }
                else if (method.IsSubscribe(types))
                {
                    ITypeSymbol subscribed = method.TypeArguments[0];
                    if (subscribed.ContainsTypeParameters())
                    {
                        _openSubscribe = 1;
                    }
                    else
                    {
                        _subscribed.TryAdd(subscribed, true);
                    }

                    if (invocation.ArgumentList.Arguments.FirstOrDefault() is { } handler
                        && context.SemanticModel.GetTypeInfo(handler.Expression, context.CancellationToken).Type is { } handlerType)
                    {
                        _subscriberArgumentTypes.Add(handlerType);
                    }
                }
            }

            /// <summary>
            /// Remembers the names of types that are created (<c>new X()</c>), named in <c>typeof</c> or passed as type arguments
            /// (<c>AddSingleton&lt;IEventHandler&lt;E&gt;, X&gt;()</c>). By name, without binding: a name shared with another type only
            /// makes ED0003 more cautious, never wrong.
            /// </summary>
            public void AnalyzeTypeUse(SyntaxNodeAnalysisContext context)
            {
                switch (context.Node)
                {
                    case ObjectCreationExpressionSyntax creation:
                        MarkUsed(creation.Type);
                        break;
                    case ImplicitObjectCreationExpressionSyntax implicitCreation:
                        if (context.SemanticModel.GetTypeInfo(implicitCreation, context.CancellationToken).Type is { } created)
                        {
                            _usedNames.TryAdd(created.Name, true);
                        }

                        break;
                    case TypeOfExpressionSyntax typeOf:
                        MarkUsed(typeOf.Type);
                        break;
                    case TypeArgumentListSyntax arguments:
                        foreach (TypeSyntax argument in arguments.Arguments)
                        {
                            MarkUsed(argument);
                        }

                        break;
                }
            }

            public void AnalyzeType(SymbolAnalysisContext context)
            {
                var type = (INamedTypeSymbol)context.Symbol;
                if (type.BaseType is { } baseType)
                {
                    _usedNames.TryAdd(baseType.Name, true);
                }

                if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
                {
                    return;
                }

                ImmutableArray<(INamedTypeSymbol Interface, ITypeSymbol Event)> handled = type.HandledEvents(types);
                if (handled.IsEmpty)
                {
                    return;
                }

                if (type.FindEventHandlerAttribute(types) is not null)
                {
                    foreach ((_, ITypeSymbol @event) in handled)
                    {
                        _markedHandlers.Add((type, @event, type.Locations.FirstOrDefault() ?? Location.None));
                    }
                }
                else if (!type.IsAbstract && !type.IsStatic)
                {
                    _unmarkedHandlers.Add(type);
                }
            }

            public void Report(CompilationAnalysisContext context)
            {
                Compilation compilation = context.Compilation;
                bool isLibrary = compilation.Options.OutputKind is OutputKind.DynamicallyLinkedLibrary or OutputKind.NetModule or OutputKind.WindowsRuntimeMetadata;
                bool hasFriends = isLibrary && compilation.Assembly.HasFriendAssemblies();

                var handledHere = new HashSet<ITypeSymbol>(_markedHandlers.Select(static h => h.Event), SymbolEqualityComparer.Default);
                HashSet<ITypeSymbol>? handledElsewhere = null;
                if (_openSubscribe == 0)
                {
                    foreach ((ITypeSymbol @event, Location location) in _publishes.OrderBy(static p => p.Location.SourceSpan.Start))
                    {
                        if (handledHere.Contains(@event) || _subscribed.ContainsKey(@event) || ReachesAny(@event, handledHere))
                        {
                            continue;
                        }

                        // A library's public event may be handled by the application that references the library.
                        if (isLibrary && @event.IsVisibleOutside(hasFriends))
                        {
                            continue;
                        }

                        handledElsewhere ??= HandledInReferencedAssemblies(compilation, context.CancellationToken);
                        if (handledElsewhere.Contains(@event) || ReachesAny(@event, handledElsewhere))
                        {
                            continue;
                        }

                        string display = @event.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.MissingSubscription,
                            location,
                            ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.EventType, display),
                            display,
                            @event.Name));
                    }
                }

                if (_openPublish == 0)
                {
                    foreach ((INamedTypeSymbol handler, ITypeSymbol @event, Location location) in _markedHandlers)
                    {
                        // Only events this application owns: one declared elsewhere may be published by the assembly that declares it,
                        // and a library's public event by the application that references the library.
                        if (_published.ContainsKey(@event)
                            || _published.Keys.Any(published => Reaches(published, @event))
                            || !SymbolEqualityComparer.Default.Equals(@event.ContainingAssembly, compilation.Assembly)
                            || (isLibrary && @event.IsVisibleOutside(hasFriends)))
                        {
                            continue;
                        }

                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.UnpublishedEvent,
                            location,
                            handler.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat),
                            @event.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
                    }
                }

                ITypeSymbol[] subscribers = _subscriberArgumentTypes.ToArray();
                foreach (INamedTypeSymbol handler in _unmarkedHandlers)
                {
                    if (_usedNames.ContainsKey(handler.Name)
                        || (isLibrary && handler.IsVisibleOutside(hasFriends))
                        || subscribers.Any(argument => CouldBe(argument, handler)))
                    {
                        continue;
                    }

                    ITypeSymbol firstEvent = handler.HandledEvents(types)[0].Event;
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.UnregisteredHandler,
                        handler.Locations.FirstOrDefault() ?? Location.None,
                        handler.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat),
                        firstEvent.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
                }
            }

            /// <summary>Whether a publish typed <paramref name="published"/> can reach a handler of any of <paramref name="handled"/>.</summary>
            private static bool ReachesAny(ITypeSymbol published, IEnumerable<ITypeSymbol> handled) => handled.Any(h => Reaches(published, h));

            /// <summary>
            /// Whether an event published as <paramref name="published"/> can reach a handler of <paramref name="handled"/>: the bus
            /// routes by runtime type and runs the handlers of its base classes and interfaces, so it does when the published type
            /// derives from the handled one, and may when the handled type derives from the published one (a base class, interface or
            /// <c>IEvent</c> held by the publisher may be that type at run time) — which is not for this rule to doubt.
            /// </summary>
            private static bool Reaches(ITypeSymbol published, ITypeSymbol handled)
                => published.InheritsFromOrEquals(handled)
                    || published.Implements(handled)
                    || (!published.IsSealed && !published.IsValueType && (handled.InheritsFromOrEquals(published) || handled.Implements(published)));

            private void MarkUsed(TypeSyntax type)
            {
                switch (type)
                {
                    case QualifiedNameSyntax qualified:
                        MarkUsed(qualified.Right);
                        break;
                    case AliasQualifiedNameSyntax alias:
                        MarkUsed(alias.Name);
                        break;
                    case SimpleNameSyntax simple:
                        _usedNames.TryAdd(simple.Identifier.ValueText, true);
                        break;
                    case NullableTypeSyntax nullable:
                        MarkUsed(nullable.ElementType);
                        break;
                }
            }

            /// <summary>Could a Subscribe argument of static type <paramref name="argument"/> be an instance of <paramref name="handler"/>?</summary>
            private bool CouldBe(ITypeSymbol argument, INamedTypeSymbol handler)
            {
                switch (argument)
                {
                    case ITypeParameterSymbol:
                    case IErrorTypeSymbol:
                    case { SpecialType: SpecialType.System_Object }:
                        return true;
                    case INamedTypeSymbol { TypeKind: TypeKind.Interface } @interface:
                        if (!SymbolEqualityComparer.Default.Equals(@interface.OriginalDefinition, types.EventHandler))
                        {
                            return handler.Implements(@interface);
                        }

                        // IEventHandler<in T>: contravariant, so a handler of a base event or interface can stand in.
                        ITypeSymbol wanted = @interface.TypeArguments[0];
                        return wanted.ContainsTypeParameters()
                            || handler.HandledEvents(types).Any(h => SymbolEqualityComparer.Default.Equals(h.Event, wanted) || wanted.InheritsFromOrEquals(h.Event) || wanted.Implements(h.Event));
                    default:
                        return handler.InheritsFromOrEquals(argument);
                }
            }

            private HashSet<ITypeSymbol> HandledInReferencedAssemblies(Compilation compilation, System.Threading.CancellationToken cancellationToken)
            {
                var handled = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
                if (types.DispatchTableAttribute is null)
                {
                    return handled;
                }

                foreach (IAssemblySymbol assembly in compilation.SourceModule.ReferencedAssemblySymbols)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    foreach (AttributeData attribute in assembly.GetAttributes())
                    {
                        if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, types.DispatchTableAttribute))
                        {
                            continue;
                        }

                        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                        {
                            if (argument.Key == "HandledEvents" && argument.Value.Kind == TypedConstantKind.Array)
                            {
                                foreach (TypedConstant element in argument.Value.Values)
                                {
                                    if (element.Value is ITypeSymbol type)
                                    {
                                        handled.Add(type);
                                    }
                                }
                            }
                        }
                    }
                }

                return handled;
            }
        }
    }
}
