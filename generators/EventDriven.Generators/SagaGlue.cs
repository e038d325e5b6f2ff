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
    /// <summary>
    /// A saga declares each event once, in its static <c>Define(SagaDefinition&lt;TState&gt; saga, ...)</c>: this reads the event types
    /// that <c>StartsWith</c>, <c>Step</c>, <c>CompleteOn</c> and <c>CompensateOn</c> route to the saga (<c>WhenLate</c> only adds
    /// behaviour to a type a role already declares) and writes the <c>IEventHandler&lt;TEvent&gt;</c> shims that hand them to the
    /// saga's <c>SagaRuntime&lt;TState&gt;</c>. The dispatch table's parser adds the same event types to the handler, so table,
    /// topology and catalog are what the hand-written shims would give (the generated part is not in the compilation it reads).
    /// </summary>
    internal static class SagaGlue
    {
        internal const string DefinitionName = "EventDriven.Sagas.SagaDefinition`1";
        internal const string RuntimeName = "EventDriven.Sagas.SagaRuntime`1";
        internal const string DefineMethodName = "Define";

        private static readonly HashSet<string> s_routingRoles = new(System.StringComparer.Ordinal) { "StartsWith", "Step", "CompleteOn", "CompensateOn" };

        /// <summary>What the reader found: the event types to glue (for the table and catalog), the glue's spec, and any mistakes.</summary>
        internal sealed class Result
        {
            public static readonly Result None = new();

            /// <summary>The event types the generated part implements; empty when the class is not a saga, or nothing is missing.</summary>
            public List<INamedTypeSymbol> GluedEvents { get; } = new();

            public SagaGlueSpec? Spec { get; set; }

            public List<DiagnosticInfo> Diagnostics { get; } = new();
        }

        public static Result Read(
            INamedTypeSymbol type, GeneratorAttributeSyntaxContext context, INamedTypeSymbol? handlerInterface, CancellationToken cancellationToken)
        {
            Compilation compilation = context.SemanticModel.Compilation;
            INamedTypeSymbol? definitionType = compilation.GetTypeByMetadataName(DefinitionName);
            INamedTypeSymbol? runtimeType = compilation.GetTypeByMetadataName(RuntimeName);
            if (definitionType is null || runtimeType is null || handlerInterface is null)
            {
                return Result.None;
            }

            Location location = ((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation();
            string display = type.DisplayName();
            IMethodSymbol? define = type.GetMembers(DefineMethodName).OfType<IMethodSymbol>().FirstOrDefault(m =>
                m.IsStatic
                && m.Parameters.Length >= 1
                && m.Parameters[0].Type is INamedTypeSymbol first
                && SymbolEqualityComparer.Default.Equals(first.OriginalDefinition, definitionType));

            var handledByHand = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            foreach (INamedTypeSymbol implemented in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, handlerInterface))
                {
                    handledByHand.Add(implemented.TypeArguments[0]);
                }
            }

            var result = new Result();
            if (define is null)
            {
                // A class that takes a runtime but neither declares the saga nor handles anything by hand is a saga missing its Define.
                if (handledByHand.Count == 0 && TakesAnyRuntime(type, runtimeType))
                {
                    result.Diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.SagaWithoutDefine, location, display));
                }

                return result;
            }

            var state = ((INamedTypeSymbol)define.Parameters[0].Type).TypeArguments[0];
            var declared = new List<INamedTypeSymbol>();
            foreach (SyntaxReference reference in define.DeclaringSyntaxReferences)
            {
                SyntaxNode node = reference.GetSyntax(cancellationToken);
                SemanticModel model = node.SyntaxTree == context.SemanticModel.SyntaxTree
                    ? context.SemanticModel
                    : compilation.GetSemanticModel(node.SyntaxTree);
                // By where the role's name is written: a fluent chain's outermost invocation (its last call) comes first in the tree.
                foreach (InvocationExpressionSyntax invocation in node.DescendantNodes().OfType<InvocationExpressionSyntax>().OrderBy(static i => RoleName(i.Expression)?.SpanStart ?? i.SpanStart))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!IsRoleName(invocation.Expression)
                        || model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method
                        || !s_routingRoles.Contains(method.Name)
                        || method.TypeArguments.Length != 1
                        || !SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, definitionType)
                        || !SymbolEqualityComparer.Default.Equals(method.ContainingType.TypeArguments[0], state)
                        || method.TypeArguments[0] is not INamedTypeSymbol eventType
                        || eventType.TypeKind == TypeKind.Error)
                    {
                        continue;
                    }

                    if (!handledByHand.Contains(eventType) && !declared.Contains(eventType, SymbolEqualityComparer.Default))
                    {
                        declared.Add(eventType);
                    }
                }
            }

            if (declared.Count == 0)
            {
                // Every routed event is handled by hand (the older form of a saga), or Define routes nothing: nothing to write.
                return result;
            }

            List<string>? declarations = PartialDeclarations.Read(type, cancellationToken);
            if (declarations is null)
            {
                result.Diagnostics.Add(DiagnosticInfo.Create(GeneratorDiagnostics.SagaNotPartial, location, display));
                return result;
            }

            string? runtime = FindRuntime(type, runtimeType.Construct(state), cancellationToken);
            if (runtime is null)
            {
                result.Diagnostics.Add(DiagnosticInfo.Create(
                    GeneratorDiagnostics.SagaWithoutRuntime, location, display, "global::EventDriven.Sagas.SagaRuntime<" + state.DisplayName() + ">"));
                return result;
            }

            result.GluedEvents.AddRange(declared);
            result.Spec = new SagaGlueSpec(
                GeneratedNames.Identifier("", type.DisplayName()) + ".SagaGlue.g.cs",
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                declarations.ToEquatableArray(),
                runtime,
                declared.Select(static e => e.FullyQualifiedName()).ToEquatableArray(),
                declared.Where(e => DeclaresHandleAsync(type, e)).Select(static e => e.FullyQualifiedName()).ToEquatableArray());
            return result;
        }

        public static void Emit(SourceProductionContext output, SagaGlueSpec spec)
        {
            var w = new SourceWriter();
            w.Line("// <auto-generated/>")
                .Line("#nullable enable")
                .Line();
            if (spec.Namespace is not null)
            {
                w.Line("namespace " + spec.Namespace).OpenBrace();
            }

            for (int i = 0; i < spec.Declarations.Count - 1; i++)
            {
                w.Line(spec.Declarations[i]).OpenBrace();
            }

            w.Line(spec.Declarations[spec.Declarations.Count - 1] + " :");
            for (int i = 0; i < spec.EventTypes.Count; i++)
            {
                w.Line("    global::EventDriven.IEventHandler<" + spec.EventTypes[i] + ">" + (i < spec.EventTypes.Count - 1 ? "," : ""));
            }

            w.OpenBrace();
            bool first = true;
            foreach (string eventType in spec.EventTypes)
            {
                if (spec.MethodsWritten.Contains(eventType))
                {
                    continue;
                }

                if (!first)
                {
                    w.Line();
                }

                first = false;

                w.Line("/// <summary>Hands the event to the saga runtime: the glue the generator writes for each event <c>Define</c> routes here.</summary>")
                    .Line("/// <param name=\"event\">The event.</param>")
                    .Line("/// <param name=\"cancellationToken\">Cancels the handling.</param>")
                    .Line("/// <returns>A task that completes when the runtime has handled the event.</returns>")
                    .Line(GeneratedNames.GeneratedCodeAttribute)
                    .Line("public global::System.Threading.Tasks.ValueTask HandleAsync(" + eventType + " @event, global::System.Threading.CancellationToken cancellationToken = default)")
                    .Line("    => " + spec.Runtime + ".HandleAsync(@event, cancellationToken);");
            }

            w.CloseBrace();
            for (int i = 0; i < spec.Declarations.Count - 1; i++)
            {
                w.CloseBrace();
            }

            if (spec.Namespace is not null)
            {
                w.CloseBrace();
            }

            output.AddGeneratedSource(spec.HintName, w.ToString());
        }

        private static bool IsRoleName(ExpressionSyntax expression)
            => RoleName(expression) is GenericNameSyntax generic && s_routingRoles.Contains(generic.Identifier.ValueText);

        private static SimpleNameSyntax? RoleName(ExpressionSyntax expression) => expression switch
        {
            MemberAccessExpressionSyntax member => member.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };

        /// <summary>
        /// An instance field or property of type <paramref name="runtime"/> declared in the class (as <c>this.Name</c>), else a primary
        /// constructor parameter of that type (by name: its parameters are in scope in every part of the class).
        /// </summary>
        private static string? FindRuntime(INamedTypeSymbol type, INamedTypeSymbol runtime, CancellationToken cancellationToken)
        {
            foreach (ISymbol member in type.GetMembers())
            {
                if (member.IsStatic || member.IsImplicitlyDeclared)
                {
                    continue;
                }

                ITypeSymbol? memberType = member switch
                {
                    IFieldSymbol field => field.Type,
                    IPropertySymbol { IsIndexer: false, GetMethod: not null } property => property.Type,
                    _ => null,
                };
                if (memberType is not null && SymbolEqualityComparer.Default.Equals(memberType, runtime))
                {
                    return "this." + EscapedName(member.Name);
                }
            }

            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: { } parameters })
                {
                    IMethodSymbol? primary = type.InstanceConstructors.FirstOrDefault(c =>
                        c.DeclaringSyntaxReferences.Any(r => r.Span == reference.Span && r.SyntaxTree == reference.SyntaxTree));
                    IParameterSymbol? parameter = primary?.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, runtime));
                    if (parameter is not null)
                    {
                        return EscapedName(parameter.Name);
                    }
                }
            }

            return null;
        }

        /// <summary>True when the class itself declares <c>HandleAsync(TEvent, CancellationToken)</c> (kept when the interface was dropped).</summary>
        private static bool DeclaresHandleAsync(INamedTypeSymbol type, INamedTypeSymbol eventType)
            => type.GetMembers("HandleAsync").OfType<IMethodSymbol>().Any(m =>
                !m.IsStatic
                && m.TypeParameters.Length == 0
                && m.Parameters.Length == 2
                && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, eventType)
                && m.Parameters[1].Type.ToDisplayString() == "System.Threading.CancellationToken");

        private static bool TakesAnyRuntime(INamedTypeSymbol type, INamedTypeSymbol runtime)
            => type.InstanceConstructors.Any(c => c.Parameters.Any(p => p.Type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, runtime)))
                || type.GetMembers().Any(m => !m.IsStatic && m switch
                {
                    IFieldSymbol field => field.Type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, runtime),
                    IPropertySymbol property => property.Type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, runtime),
                    _ => false,
                });

        private static string EscapedName(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
