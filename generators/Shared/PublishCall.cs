using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Shared
{
    /// <summary>
    /// The one definition of "a publish": a call of <c>PublishAsync&lt;T&gt;</c> or <c>PublishBatchAsync&lt;T&gt;</c> declared on
    /// <c>EventDriven.IEventBus</c> or on a class implementing it (the concrete <c>EventBus</c>, a test bus), or of
    /// <c>EventDriven.Sagas.SagaContext.PublishAsync&lt;T&gt;</c>, which a saga step calls and the saga runtime hands to the bus once the
    /// instance is saved. It publishes <c>T</c>. A method of any other type that happens to have one of those names is not a publish.
    /// </summary>
    /// <remarks>
    /// Compiled into both the generator (the topology manifest and the event type catalog) and the analyzers (ED0001, ED0002) from
    /// generators/Shared, so what the manifest lists as published and what the rules count as published cannot drift apart.
    /// Resolve it once per compilation with <see cref="For"/>.
    /// </remarks>
    internal sealed class PublishCall
    {
        public const string EventBusMetadataName = "EventDriven.IEventBus";
        public const string SagaContextMetadataName = "EventDriven.Sagas.SagaContext";
        public const string PublishMethodName = "PublishAsync";
        public const string PublishBatchMethodName = "PublishBatchAsync";

        private readonly INamedTypeSymbol? _sagaContext;

        private PublishCall(INamedTypeSymbol eventBus, INamedTypeSymbol? sagaContext)
        {
            EventBus = eventBus;
            _sagaContext = sagaContext;
        }

        /// <summary><c>EventDriven.IEventBus</c> in this compilation.</summary>
        public INamedTypeSymbol EventBus { get; }

        /// <summary>The definition for <paramref name="compilation"/>, or null when it does not reference EventDriven.</summary>
        public static PublishCall? For(Compilation compilation)
            => compilation.GetTypeByMetadataName(EventBusMetadataName) is { } eventBus
                ? new PublishCall(eventBus, compilation.GetTypeByMetadataName(SagaContextMetadataName))
                : null;

        /// <summary>The name the invocation calls (<c>bus.X()</c>, <c>bus?.X()</c>, <c>X()</c>, generic or not), read from syntax alone.</summary>
        public static string? InvokedName(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };

        /// <summary>True for the names a publish can have: the cheap filter before anything is bound.</summary>
        public static bool HasPublishName(string? name) => name is PublishMethodName or PublishBatchMethodName;

        /// <summary>True when <paramref name="method"/> is a publish (see the type's summary).</summary>
        public bool IsPublish(IMethodSymbol method)
            => HasPublishName(method.Name)
                && (IsBusMethod(method)
                    || (method.TypeArguments.Length == 1 && _sagaContext is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, _sagaContext)));

        /// <summary>A generic method with one type argument declared on <c>IEventBus</c> or on a type implementing it.</summary>
        public bool IsBusMethod(IMethodSymbol method)
            => method.TypeArguments.Length == 1
                && method.ContainingType is { } owner
                && (SymbolEqualityComparer.Default.Equals(owner, EventBus) || owner.AllInterfaces.Contains(EventBus, SymbolEqualityComparer.Default));

        /// <summary>
        /// The event type <paramref name="invocation"/> publishes, or null when it is no publish. Only invocations with a publish's
        /// name are bound, so walking every invocation of a body stays cheap.
        /// </summary>
        public ITypeSymbol? PublishedEventType(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
            => HasPublishName(InvokedName(invocation))
                && model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                && IsPublish(method)
                    ? method.TypeArguments[0]
                    : null;
    }
}
