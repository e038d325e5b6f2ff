using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace EventDriven.Analyzers.Aggregates
{
    /// <summary>
    /// The rules of an <c>[Aggregate]</c> class: Apply methods only change state (ED0010), every raised event has an Apply (ED0011),
    /// every Apply is for an event the aggregate raises (ED0012), and state changes only in Apply (ED0013).
    /// </summary>
    /// <remarks>
    /// An Apply method is what the generated switch calls: an instance method named Apply returning void with one parameter of an
    /// <c>IEvent</c> type. State is an instance field or property of the aggregate reached through <c>this</c>; constructors, field
    /// initializers and <c>RestoreSnapshot</c> (the snapshot's way back in) may set it.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AggregateAnalyzer : DiagnosticAnalyzer
    {
        internal const string ApplyName = "Apply";
        internal const string RestoreSnapshotName = "RestoreSnapshot";

        private static readonly ImmutableHashSet<string> s_collectionMutators = ImmutableHashSet.Create(
            "Add", "AddRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "Clear", "Insert", "InsertRange", "TryAdd", "TryRemove",
            "Push", "Pop", "Enqueue", "Dequeue", "AddOrUpdate", "GetOrAdd", "Sort", "Reverse", "UnionWith", "ExceptWith", "IntersectWith");

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.ImpureApply,
            DiagnosticDescriptors.RaisedWithoutApply,
            DiagnosticDescriptors.ApplyNeverRaised,
            DiagnosticDescriptors.StateChangedOutsideApply);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(static start =>
            {
                if (WellKnownTypes.TryCreate(start.Compilation) is not { } types
                    || start.Compilation.GetTypeByMetadataName("EventDriven.Aggregates.AggregateAttribute") is not { } attribute
                    || start.Compilation.GetTypeByMetadataName("EventDriven.Aggregates.AggregateRoot") is not { } root)
                {
                    return;
                }

                var facts = new Facts(types, attribute, root, start.Compilation);
                start.RegisterSymbolStartAction(symbol => AnalyzeAggregate(symbol, facts), SymbolKind.NamedType);
            });
        }

        private static void AnalyzeAggregate(SymbolStartAnalysisContext start, Facts facts)
        {
            var aggregate = (INamedTypeSymbol)start.Symbol;
            if (!aggregate.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, facts.Attribute)))
            {
                return;
            }

            Dictionary<IMethodSymbol, ITypeSymbol> appliers = Appliers(aggregate, facts.Types);
            var raised = new ConcurrentBag<ITypeSymbol>();
            int raisesUnknown = 0;
            string display = aggregate.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

            start.RegisterOperationAction(context =>
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (!InAggregate(context.ContainingSymbol, aggregate))
                {
                    return;
                }

                if (IsRaise(invocation.TargetMethod, facts) && invocation.Arguments.Length == 1)
                {
                    ITypeSymbol? type = Unconverted(invocation.Arguments[0].Value).Type;
                    if (type is null || type.TypeKind == TypeKind.Interface || SymbolEqualityComparer.Default.Equals(type, facts.Types.Event))
                    {
                        System.Threading.Interlocked.Exchange(ref raisesUnknown, 1);
                    }
                    else
                    {
                        raised.Add(type);
                        if (!appliers.Values.Any(applied => Covers(applied, type)))
                        {
                            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RaisedWithoutApply, invocation.Arguments[0].Syntax.GetLocation(),
                                ImmutableDictionary<string, string?>.Empty.Add("EventType", type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)),
                                display, type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
                        }
                    }
                }

                if (ApplyContaining(context.ContainingSymbol, appliers) is { } apply && SideEffect(invocation, facts) is { } effect)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ImpureApply, invocation.Syntax.GetLocation(), ApplyDisplay(apply), effect));
                }

                if (MayChangeState(context.ContainingSymbol, appliers) && invocation.Instance is { } receiver
                    && s_collectionMutators.Contains(invocation.TargetMethod.Name) && StateMember(receiver, aggregate) is { } collection)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StateChangedOutsideApply, invocation.Syntax.GetLocation(), display, collection.Name, context.ContainingSymbol.Name));
                }
            }, OperationKind.Invocation);

            start.RegisterOperationAction(context =>
            {
                if (!InAggregate(context.ContainingSymbol, aggregate) || !MayChangeState(context.ContainingSymbol, appliers))
                {
                    return;
                }

                IOperation target = context.Operation switch
                {
                    IAssignmentOperation assignment => assignment.Target,
                    IIncrementOrDecrementOperation increment => increment.Target,
                    _ => context.Operation,
                };
                if (StateMember(target, aggregate) is { } member)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StateChangedOutsideApply, context.Operation.Syntax.GetLocation(), display, member.Name, context.ContainingSymbol.Name));
                }
            }, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.CoalesceAssignment, OperationKind.Increment, OperationKind.Decrement);

            start.RegisterOperationAction(context =>
            {
                if (InAggregate(context.ContainingSymbol, aggregate) && ApplyContaining(context.ContainingSymbol, appliers) is { } apply)
                {
                    string? effect = context.Operation switch
                    {
                        IAwaitOperation => "awaits",
                        IPropertyReferenceOperation property when ReadsClock(property.Property, facts) => $"reads the clock ({property.Property.ContainingType.Name}.{property.Property.Name})",
                        _ => null,
                    };
                    if (effect is not null)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ImpureApply, context.Operation.Syntax.GetLocation(), ApplyDisplay(apply), effect));
                    }
                }
            }, OperationKind.Await, OperationKind.PropertyReference);

            start.RegisterSymbolEndAction(end =>
            {
                if (System.Threading.Volatile.Read(ref raisesUnknown) != 0)
                {
                    // Something is raised as IEvent or an interface: which Apply it reaches cannot be told here.
                    return;
                }

                ITypeSymbol[] all = raised.ToArray();
                foreach (KeyValuePair<IMethodSymbol, ITypeSymbol> apply in appliers)
                {
                    if (!all.Any(type => Covers(apply.Value, type)) && apply.Key.Locations.FirstOrDefault(l => l.IsInSource) is { } location)
                    {
                        end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ApplyNeverRaised, location, display, apply.Value.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
                    }
                }
            });
        }

        /// <summary>The Apply methods the generated switch calls, with the event type each takes.</summary>
        internal static Dictionary<IMethodSymbol, ITypeSymbol> Appliers(INamedTypeSymbol aggregate, WellKnownTypes types)
        {
            var appliers = new Dictionary<IMethodSymbol, ITypeSymbol>(SymbolEqualityComparer.Default);
            foreach (IMethodSymbol method in aggregate.GetMembers(ApplyName).OfType<IMethodSymbol>())
            {
                if (!method.IsStatic && method.ReturnsVoid && !method.IsAsync && !method.IsGenericMethod && method.Parameters.Length == 1
                    && method.Parameters[0].Type.IsEvent(types) && !SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, types.Event))
                {
                    appliers[method] = method.Parameters[0].Type;
                }
            }

            return appliers;
        }

        /// <summary>Whether an Apply for <paramref name="applied"/> receives an event of type <paramref name="raised"/>.</summary>
        private static bool Covers(ITypeSymbol applied, ITypeSymbol raised) => raised.InheritsFromOrEquals(applied) || raised.Implements(applied);

        private static bool InAggregate(ISymbol containing, INamedTypeSymbol aggregate)
            => SymbolEqualityComparer.Default.Equals(containing.ContainingType, aggregate);

        private static IMethodSymbol? ApplyContaining(ISymbol containing, Dictionary<IMethodSymbol, ITypeSymbol> appliers)
            => containing is IMethodSymbol method && appliers.ContainsKey(method) ? method : null;

        /// <summary>
        /// Anywhere but an Apply method, a constructor, RestoreSnapshot or an initializer. A method named Apply that the switch cannot
        /// call (async, two parameters) is the generator's EDG017, not this rule's.
        /// </summary>
        private static bool MayChangeState(ISymbol containing, Dictionary<IMethodSymbol, ITypeSymbol> appliers)
            => containing is IMethodSymbol method
                && !appliers.ContainsKey(method)
                && method.Name != ApplyName
                && method.MethodKind is not (MethodKind.Constructor or MethodKind.StaticConstructor)
                && method.Name != RestoreSnapshotName;

        private static bool IsRaise(IMethodSymbol method, Facts facts)
            => method.Name == "Raise" && SymbolEqualityComparer.Default.Equals(method.ContainingType, facts.Root);

        /// <summary>The aggregate's own instance field or property that <paramref name="target"/> writes (through <c>this</c>, or an indexer on it).</summary>
        private static ISymbol? StateMember(IOperation target, INamedTypeSymbol aggregate)
        {
            if (target is IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed })
            {
                target = indexed;
            }

            (ISymbol? member, IOperation? instance) = target switch
            {
                IFieldReferenceOperation field => ((ISymbol)field.Field, field.Instance),
                IPropertyReferenceOperation property => (property.Property, property.Instance),
                _ => (null, null),
            };
            return member is { IsStatic: false } && instance is IInstanceReferenceOperation && aggregate.InheritsFromOrEquals(member.ContainingType)
                && member.ContainingType.ToDisplayString() != "EventDriven.Aggregates.AggregateRoot"
                ? member
                : null;
        }

        private static IOperation Unconverted(IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        /// <summary>What a call inside Apply does that replay would repeat or change, or null when it only computes.</summary>
        private static string? SideEffect(IInvocationOperation invocation, Facts facts)
        {
            IMethodSymbol method = invocation.TargetMethod;
            ITypeSymbol? on = invocation.Instance?.Type ?? method.ContainingType;
            WellKnownTypes types = facts.Types;
            if (IsRaise(method, facts))
            {
                return "raises another event";
            }

            if (on.Implements(types.EventBus) || method.IsPublish(types))
            {
                return $"publishes ({method.Name})";
            }

            if (on.Implements(facts.EventStore))
            {
                return $"writes to or reads the event store ({method.Name})";
            }

            if (on.InheritsFromOrEquals(types.HttpClient))
            {
                return $"calls HTTP ({method.Name})";
            }

            if (on.Implements(types.DbCommand) || on.Implements(types.DbConnection))
            {
                return $"uses a database ({method.Name})";
            }

            if (on.InheritsFromOrEquals(types.Stream) || on.InheritsFromOrEquals(types.TextWriter) || SymbolEqualityComparer.Default.Equals(on, types.File) || SymbolEqualityComparer.Default.Equals(on, facts.Console))
            {
                return $"does I/O ({on.Name}.{method.Name})";
            }

            if (SymbolEqualityComparer.Default.Equals(on, types.Guid) && method.Name == "NewGuid")
            {
                return "creates a random id (Guid.NewGuid)";
            }

            if (on.InheritsFromOrEquals(facts.Random))
            {
                return $"reads a random source (Random.{method.Name})";
            }

            if (on.InheritsFromOrEquals(types.TimeProvider) && method.Name is "GetUtcNow" or "GetLocalNow" or "GetTimestamp")
            {
                return $"reads the clock (TimeProvider.{method.Name})";
            }

            return null;
        }

        private static bool ReadsClock(IPropertySymbol property, Facts facts)
            => property.IsStatic
                && property.Name is "Now" or "UtcNow" or "Today"
                && (SymbolEqualityComparer.Default.Equals(property.ContainingType, facts.Types.DateTime) || SymbolEqualityComparer.Default.Equals(property.ContainingType, facts.Types.DateTimeOffset));

        private static string ApplyDisplay(IMethodSymbol apply)
            => apply.ContainingType.Name + ".Apply(" + apply.Parameters[0].Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ")";

        private sealed class Facts(WellKnownTypes types, INamedTypeSymbol attribute, INamedTypeSymbol root, Compilation compilation)
        {
            public WellKnownTypes Types { get; } = types;

            public INamedTypeSymbol Attribute { get; } = attribute;

            public INamedTypeSymbol Root { get; } = root;

            public INamedTypeSymbol? EventStore { get; } = compilation.GetTypeByMetadataName("EventDriven.Store.IEventStore");

            public INamedTypeSymbol? Random { get; } = compilation.GetTypeByMetadataName("System.Random");

            public INamedTypeSymbol? Console { get; } = compilation.GetTypeByMetadataName("System.Console");
        }
    }
}
