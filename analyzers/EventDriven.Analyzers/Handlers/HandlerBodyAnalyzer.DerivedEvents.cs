using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using EventDriven.Analyzers.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace EventDriven.Analyzers.Handlers
{
    /// <summary>ED0006: a handler creates an event whose Id or OccurredAt is new on every run.</summary>
    public sealed partial class HandlerBodyAnalyzer
    {
        private const string IdMember = "Id";
        private const string TimeMember = "OccurredAt";

        /// <summary><c>Guid.NewGuid()</c>, <c>Guid.CreateVersion7()</c>, <c>DateTime*.Now/UtcNow/Today</c>, <c>TimeProvider.GetUtcNow()</c>.</summary>
        private static string? NonDeterministicValue(IOperation operation, WellKnownTypes types)
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "NewGuid" or "CreateVersion7" } method }
                    when SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Guid):
                    return "Guid." + method.Name + "()";
                case IInvocationOperation { TargetMethod: { IsStatic: false, Name: "GetUtcNow" or "GetLocalNow" } method }
                    when types.TimeProvider is not null && method.ContainingType.InheritsFromOrEquals(types.TimeProvider):
                    return "TimeProvider." + method.Name + "()";
                case IPropertyReferenceOperation { Property: { IsStatic: true, Name: "Now" or "UtcNow" or "Today" } property }
                    when SymbolEqualityComparer.Default.Equals(property.ContainingType, types.DateTime) || SymbolEqualityComparer.Default.Equals(property.ContainingType, types.DateTimeOffset):
                    return property.ContainingType.Name + "." + property.Name;
                default:
                    return null;
            }
        }

        /// <summary>ED0006 when the non-deterministic <paramref name="value"/> becomes the Id or OccurredAt of an event created here.</summary>
        private static Diagnostic? DerivedEventFinding(IOperation value, WellKnownTypes types)
        {
            string description = NonDeterministicValue(value, types)!;
            string expectedMember = SymbolEqualityComparer.Default.Equals(value.Type, types.Guid) ? IdMember : TimeMember;
            IOperation current = value;
            while (current.Parent is IConversionOperation or IParenthesizedOperation)
            {
                current = current.Parent;
            }

            ITypeSymbol? created = current.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => CreatedThroughLocal(declarator, expectedMember, types),
                { } parent => CreatedFrom(current, parent, expectedMember, types),
                _ => null,
            };

            return created is null ? null : Diagnostic.Create(
                DiagnosticDescriptors.NonDeterministicDerivedEvent,
                value.Syntax.GetLocation(),
                Properties(expectedMember, created.Name, fromInitializer: false),
                created.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat),
                expectedMember,
                description);
        }

        /// <summary>The event type when <paramref name="value"/> is the argument or initializer that sets <paramref name="member"/>.</summary>
        private static ITypeSymbol? CreatedFrom(IOperation value, IOperation parent, string member, WellKnownTypes types)
        {
            switch (parent)
            {
                case IArgumentOperation { Parameter: { } parameter, Parent: IObjectCreationOperation { Type: { } created } }
                    when string.Equals(parameter.Name, member, StringComparison.OrdinalIgnoreCase) && created.IsEvent(types):
                    return created;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: var name }, Parent: IObjectOrCollectionInitializerOperation initializer } assignment
                    when name == member && ReferenceEquals(assignment.Value, value):
                    ITypeSymbol? owner = initializer.Parent switch
                    {
                        IObjectCreationOperation creation => creation.Type,
                        IWithOperation with => with.Type,
                        _ => null,
                    };
                    return owner is not null && owner.IsEvent(types) ? owner : null;
                default:
                    return null;
            }
        }

        /// <summary><c>var id = Guid.NewGuid(); ... new OrderShipped(id, ...)</c>: one hop through a local of the same body.</summary>
        private static ITypeSymbol? CreatedThroughLocal(IVariableDeclaratorOperation declarator, string member, WellKnownTypes types)
        {
            foreach (IOperation node in Root(declarator).Descendants())
            {
                if (node is not ILocalReferenceOperation use || !SymbolEqualityComparer.Default.Equals(use.Local, declarator.Symbol))
                {
                    continue;
                }

                IOperation current = use;
                while (current.Parent is IConversionOperation or IParenthesizedOperation)
                {
                    current = current.Parent;
                }

                if (current.Parent is { } parent && CreatedFrom(current, parent, member, types) is { } created)
                {
                    return created;
                }
            }

            return null;
        }

        /// <summary>
        /// ED0006 for an event created without setting Id or OccurredAt, whose property initializer (in source) is non-deterministic:
        /// <c>public Guid Id { get; init; } = Guid.NewGuid();</c>.
        /// </summary>
        private static IEnumerable<Diagnostic> ImplicitNonDeterministicValues(IObjectCreationOperation creation, WellKnownTypes types)
        {
            if (creation.Type is not INamedTypeSymbol created || !created.IsEvent(types))
            {
                yield break;
            }

            foreach (string member in new[] { IdMember, TimeMember })
            {
                if (Supplies(creation, member)
                    || types.Event.GetMembers(member).FirstOrDefault() is not IPropertySymbol contract
                    || created.FindImplementationForInterfaceMember(contract) is not IPropertySymbol implementation
                    || InitializerDescription(implementation) is not { } description)
                {
                    continue;
                }

                yield return Diagnostic.Create(
                    DiagnosticDescriptors.NonDeterministicDerivedEvent,
                    CreationLocation(creation),
                    Properties(member, created.Name, fromInitializer: true),
                    created.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat),
                    member,
                    description);
            }
        }

        private static bool Supplies(IObjectCreationOperation creation, string member)
        {
            if (creation.Constructor is { } constructor && constructor.Parameters.Any(p => string.Equals(p.Name, member, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            return creation.Initializer is { } initializer
                && initializer.Initializers.Any(i => i is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: var name } } && name == member);
        }

        /// <summary>
        /// How the event gives <paramref name="property"/> a fresh id or clock time by itself, for the message: its initializer, or an assignment in a
        /// constructor of the type that declares it (a base class's, as in <c>IntegrationEvent() { Id = Guid.NewGuid(); }</c>).
        /// </summary>
        private static string? InitializerDescription(IPropertySymbol property)
        {
            foreach (SyntaxReference reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is PropertyDeclarationSyntax { Initializer.Value: { } value } && IsFreshValue(value))
                {
                    return "its initializer '" + value + "'";
                }
            }

            foreach (IMethodSymbol constructor in property.ContainingType.InstanceConstructors)
            {
                foreach (SyntaxReference reference in constructor.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is not ConstructorDeclarationSyntax declaration)
                    {
                        continue;
                    }

                    foreach (AssignmentExpressionSyntax assignment in declaration.DescendantNodes().OfType<AssignmentExpressionSyntax>())
                    {
                        if (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && AssignsMember(assignment.Left, property.Name) && IsFreshValue(assignment.Right))
                        {
                            return "the constructor of " + property.ContainingType.Name + " ('" + assignment + "')";
                        }
                    }
                }
            }

            return null;
        }

        private static bool IsFreshValue(ExpressionSyntax value) => value switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "NewGuid" or "CreateVersion7", Expression: var owner } } => EndsWithName(owner, "Guid"),
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Now" or "UtcNow" or "Today", Expression: var clock } => EndsWithName(clock, "DateTime") || EndsWithName(clock, "DateTimeOffset"),
            _ => false,
        };

        private static bool AssignsMember(ExpressionSyntax target, string name) => target switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name.Identifier.ValueText: var member } => member == name,
            _ => false,
        };

        private static bool EndsWithName(ExpressionSyntax expression, string name) => expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText == name,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText == name,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText == name,
            _ => false,
        };

        /// <summary><c>new OrderShipped</c> (without the arguments), or just <c>new</c> for a target-typed creation.</summary>
        private static Location CreationLocation(IObjectCreationOperation creation)
        {
            switch (creation.Syntax)
            {
                case ObjectCreationExpressionSyntax explicitType:
                    return Location.Create(explicitType.SyntaxTree, TextSpan.FromBounds(explicitType.NewKeyword.SpanStart, explicitType.Type.Span.End));
                case ImplicitObjectCreationExpressionSyntax implicitType:
                    return implicitType.NewKeyword.GetLocation();
                default:
                    return creation.Syntax.GetLocation();
            }
        }

        private static ImmutableDictionary<string, string?> Properties(string member, string derivedEventName, bool fromInitializer)
        {
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty
                .Add(DiagnosticProperties.ValueKind, member == IdMember ? DiagnosticProperties.IdValue : DiagnosticProperties.TimeValue)
                .Add(DiagnosticProperties.DerivedEventName, derivedEventName);
            return fromInitializer ? properties.Add(DiagnosticProperties.FromInitializer, "true") : properties;
        }
    }
}
