namespace EventDriven.Generators.Model
{
    /// <summary>One event type a handler handles.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="TypeName">Fully qualified event type, e.g. <c>global::Shop.OrderSubmitted</c>.</param>
    /// <param name="DisplayName">Full name without <c>global::</c>.</param>
    /// <param name="SimpleName">The event type's own name.</param>
    /// <param name="DirectCall">
    /// True when the handler has a public <c>HandleAsync(TEvent, CancellationToken)</c> that implements the interface, so the
    /// generated code calls it on the concrete type (the JIT can inline it when the type is sealed). False for explicit
    /// implementations, which are called through the interface.
    /// </param>
    internal sealed record HandledEventSpec(string TypeName, string DisplayName, string SimpleName, bool DirectCall);
}
