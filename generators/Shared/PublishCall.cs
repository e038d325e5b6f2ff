using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace EventDriven.Shared
{
    /// <summary>
    /// The one definition of "a publish": a call of <c>PublishAsync&lt;T&gt;</c> or <c>PublishBatchAsync&lt;T&gt;</c> declared on
    /// <c>EventDriven.IEventBus</c> or on a class implementing it (the concrete <c>EventBus</c>, a test bus), which publishes <c>T</c>.
    /// </summary>
    /// <remarks>
    /// Compiled into both the generator (the topology manifest and the event type catalog) and the analyzers (ED0001, ED0002) from
    /// generators/Shared, so what the manifest lists as published and what the rules count as published cannot drift apart. A method
    /// of another type that happens to be named <c>PublishAsync</c> is not a publish.
    /// </remarks>
    internal static class PublishCall
    {
        public const string EventBusMetadataName = "EventDriven.IEventBus";
        public const string PublishMethodName = "PublishAsync";
        public const string PublishBatchMethodName = "PublishBatchAsync";

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
        public static bool IsPublish(IMethodSymbol method, INamedTypeSymbol eventBus)
            => HasPublishName(method.Name) && IsBusMethod(method, eventBus);

        /// <summary>A generic method with one type argument declared on <paramref name="eventBus"/> or on a type implementing it.</summary>
        public static bool IsBusMethod(IMethodSymbol method, INamedTypeSymbol eventBus)
            => method.TypeArguments.Length == 1
                && method.ContainingType is { } owner
                && (SymbolEqualityComparer.Default.Equals(owner, eventBus) || owner.AllInterfaces.Contains(eventBus, SymbolEqualityComparer.Default));

        /// <summary>
        /// The event type <paramref name="invocation"/> publishes, or null when it is no publish. Only invocations with a publish's
        /// name are bound, so walking every invocation of a body stays cheap.
        /// </summary>
        public static ITypeSymbol? PublishedEventType(InvocationExpressionSyntax invocation, SemanticModel model, INamedTypeSymbol eventBus, CancellationToken cancellationToken)
            => HasPublishName(InvokedName(invocation))
                && model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                && IsPublish(method, eventBus)
                    ? method.TypeArguments[0]
                    : null;
    }
}
