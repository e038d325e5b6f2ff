using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EventDriven.Generators.Diagnostics;
using EventDriven.Generators.Helpers;
using EventDriven.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Generators.Aggregates
{
    /// <summary>
    /// Reads an <c>[Aggregate]</c> class: that it can have a generated part (partial, concrete, non-generic, an <c>AggregateRoot</c>
    /// with a parameterless constructor), its <c>Apply</c> methods, and its snapshot type. Nothing it returns holds a symbol.
    /// </summary>
    internal static class AggregateParser
    {
        internal const string AttributeName = "EventDriven.Aggregates.AggregateAttribute";
        internal const string RootName = "EventDriven.Aggregates.AggregateRoot";
        internal const string SnapshotableName = "EventDriven.Aggregates.ISnapshotable`1";
        internal const string ApplyMethodName = "Apply";

        public static AggregateParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type)
            {
                return new AggregateParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            Compilation compilation = context.SemanticModel.Compilation;
            Location location = ((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation();
            string display = type.DisplayName();
            INamedTypeSymbol? root = compilation.GetTypeByMetadataName(RootName);
            INamedTypeSymbol? eventInterface = compilation.GetTypeByMetadataName(DispatchTableGenerator.EventInterfaceName);
            if (root is null || eventInterface is null)
            {
                return new AggregateParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            AggregateParseResult Fail(DiagnosticDescriptor descriptor, params string[] arguments)
                => new(null, new[] { DiagnosticInfo.Create(descriptor, location, arguments) }.ToEquatableArray());

            if (!DerivesFrom(type, root))
            {
                return Fail(GeneratorDiagnostics.NotAnAggregate, display, "it does not derive from EventDriven.Aggregates.AggregateRoot");
            }

            if (type.IsAbstract)
            {
                return Fail(GeneratorDiagnostics.NotAnAggregate, display, "it is abstract (put [Aggregate] on the concrete class)");
            }

            if (type.IsGenericOrInGeneric())
            {
                return Fail(GeneratorDiagnostics.NotAnAggregate, display, "it is generic or inside a generic type");
            }

            List<string>? declarations = PartialDeclarations.Read(type, cancellationToken);
            if (declarations is null)
            {
                return Fail(GeneratorDiagnostics.AggregateNotPartial, display);
            }

            if (!type.InstanceConstructors.Any(static c => c.Parameters.All(static p => p.IsOptional)))
            {
                return Fail(GeneratorDiagnostics.AggregateWithoutConstructor, display);
            }

            int snapshotEvery = ReadSnapshotEvery(context.Attributes);
            INamedTypeSymbol? snapshotable = compilation.GetTypeByMetadataName(SnapshotableName);
            ITypeSymbol? snapshotType = type.AllInterfaces
                .FirstOrDefault(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, snapshotable))?.TypeArguments[0];
            if (snapshotEvery < 0)
            {
                return Fail(GeneratorDiagnostics.NotAnAggregate, display, "SnapshotEvery is negative");
            }

            if (snapshotEvery > 0 && snapshotType is null)
            {
                return Fail(GeneratorDiagnostics.NotAnAggregate, display, $"SnapshotEvery is {snapshotEvery} but it does not implement ISnapshotable<TSnapshot>");
            }

            var diagnostics = new List<DiagnosticInfo>();
            var appliers = new List<(INamedTypeSymbol Event, bool ByIn)>();
            foreach (IMethodSymbol method in ApplyMethods(type, root))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string? problem = Problem(method, eventInterface);
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.ApplyMethodIgnored, method.FirstLocation(), display, method.Name, problem));
                    continue;
                }

                var eventType = (INamedTypeSymbol)method.Parameters[0].Type;
                if (!appliers.Any(a => SymbolEqualityComparer.Default.Equals(a.Event, eventType)))
                {
                    appliers.Add((eventType, method.Parameters[0].RefKind == RefKind.In));
                }
            }

            var spec = new AggregateSpec(
                GeneratedNames.Identifier("", display) + ".Aggregate.g.cs",
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                declarations.ToEquatableArray(),
                type.FullyQualifiedName(),
                snapshotEvery,
                snapshotType?.FullyQualifiedName(),
                SwitchOrder(appliers).Select(static a => new ApplierSpec(a.Event.FullyQualifiedName(), a.ByIn)).ToEquatableArray());
            return new AggregateParseResult(spec, diagnostics.ToEquatableArray());
        }

        /// <summary>Instance or static methods named Apply on the class and its bases below <c>AggregateRoot</c> (a base's private ones excepted).</summary>
        internal static IEnumerable<IMethodSymbol> ApplyMethods(INamedTypeSymbol type, INamedTypeSymbol root)
        {
            for (INamedTypeSymbol? current = type; current is not null && !SymbolEqualityComparer.Default.Equals(current, root); current = current.BaseType)
            {
                foreach (IMethodSymbol method in current.GetMembers(ApplyMethodName).OfType<IMethodSymbol>())
                {
                    if (method.MethodKind == MethodKind.Ordinary && (SymbolEqualityComparer.Default.Equals(current, type) || method.DeclaredAccessibility != Accessibility.Private))
                    {
                        yield return method;
                    }
                }
            }
        }

        /// <summary>Why the switch cannot call <paramref name="method"/> for an event, or null when it can.</summary>
        internal static string? Problem(IMethodSymbol method, INamedTypeSymbol eventInterface)
        {
            if (method.IsStatic)
            {
                return "it is static";
            }

            if (method.IsGenericMethod)
            {
                return "it is generic";
            }

            if (method.IsAsync || !method.ReturnsVoid)
            {
                return "it must return void and change the state synchronously (replay cannot await)";
            }

            if (method.Parameters.Length != 1)
            {
                return "it must take exactly one parameter, the event";
            }

            IParameterSymbol parameter = method.Parameters[0];
            if (parameter.RefKind is not (RefKind.None or RefKind.In))
            {
                return "its event parameter is ref or out";
            }

            if (parameter.Type is not INamedTypeSymbol eventType
                || !(SymbolEqualityComparer.Default.Equals(eventType, eventInterface) || eventType.AllInterfaces.Contains(eventInterface, SymbolEqualityComparer.Default)))
            {
                return $"its parameter type '{parameter.Type.ToDisplayString()}' is not an IEvent";
            }

            if (SymbolEqualityComparer.Default.Equals(eventType, eventInterface))
            {
                return "it takes IEvent itself; take each concrete event type";
            }

            return null;
        }

        /// <summary>Most derived classes first, then interfaces, so no case is hidden by an earlier one (a compile error in a type switch).</summary>
        private static IEnumerable<(INamedTypeSymbol Event, bool ByIn)> SwitchOrder(List<(INamedTypeSymbol Event, bool ByIn)> appliers)
            => appliers
                .OrderBy(static a => a.Event.TypeKind == TypeKind.Interface ? 1 : 0)
                .ThenByDescending(static a => a.Event.TypeKind == TypeKind.Interface ? a.Event.AllInterfaces.Length : Depth(a.Event))
                .ThenBy(static a => a.Event.FullyQualifiedName(), System.StringComparer.Ordinal);

        private static int Depth(INamedTypeSymbol type)
        {
            int depth = 0;
            for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
            {
                depth++;
            }

            return depth;
        }

        private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol root)
        {
            for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, root))
                {
                    return true;
                }
            }

            return false;
        }

        private static int ReadSnapshotEvery(System.Collections.Immutable.ImmutableArray<AttributeData> attributes)
        {
            foreach (AttributeData attribute in attributes)
            {
                foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                {
                    if (argument.Key == "SnapshotEvery" && argument.Value.Value is int every)
                    {
                        return every;
                    }
                }
            }

            return 0;
        }
    }
}
