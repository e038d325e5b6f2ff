using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>One <c>[EventHandler]</c> class that can go in the dispatch table.</summary>
    /// <remarks>
    /// Specs hold only strings, numbers, bools and <see cref="EquatableArray{T}"/>: never ISymbol, SyntaxNode, Location or
    /// Compilation. Holding those would keep old compilations alive and make every edit look like a change, defeating incremental caching.
    /// </remarks>
    /// <param name="TypeName">Fully qualified, e.g. <c>global::Shop.Orders.ValidateOrderHandler</c>.</param>
    /// <param name="DisplayName">Full name without <c>global::</c>, e.g. <c>Shop.Orders.ValidateOrderHandler</c>; the sort key.</param>
    /// <param name="SimpleName">The type's own name, e.g. <c>ValidateOrderHandler</c>.</param>
    /// <param name="Inbox">
    /// <c>[EventHandler(Inbox = true)]</c>: the generated dispatcher calls the handler through the registered inbox, which skips
    /// event ids the handler already handled.
    /// </param>
    /// <param name="Lifetime">
    /// <c>[EventHandler(Lifetime = ...)]</c> as the <c>HandlerLifetime</c> number: 0 takes the assembly's default, 1 singleton, 2 scoped, 3 transient.
    /// </param>
    /// <param name="Disposable">The handler implements <c>IDisposable</c> or <c>IAsyncDisposable</c> (a transient one would be kept by the root container).</param>
    internal sealed record HandlerSpec(
        string TypeName,
        string DisplayName,
        string SimpleName,
        int Order,
        bool Idempotent,
        bool Inbox,
        EquatableArray<HandledEventSpec> Events,
        EquatableArray<ParameterSpec> ConstructorParameters,
        EquatableArray<string> Publishes,
        int Lifetime = 0,
        bool Disposable = false);
}
