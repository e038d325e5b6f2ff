using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>
    /// The <c>IEventHandler&lt;TEvent&gt;</c> glue of one saga class: a partial part that hands each event its <c>Define</c> routes
    /// (<c>StartsWith</c>, <c>Step</c>, <c>CompleteOn</c>, <c>CompensateOn</c>) and the class does not handle by hand to its
    /// <c>SagaRuntime&lt;TState&gt;</c>.
    /// </summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="HintName">The generated file's name, unique per saga class.</param>
    /// <param name="Namespace">The saga's namespace, or null for the global namespace.</param>
    /// <param name="Declarations">The partial declarations to open, outermost first, e.g. <c>partial class OrderSaga</c>.</param>
    /// <param name="Runtime">The expression naming the runtime inside the class, e.g. <c>this._runtime</c> or <c>runtime</c>.</param>
    /// <param name="EventTypes">Fully qualified event types, in the order <c>Define</c> first names them.</param>
    /// <param name="MethodsWritten">
    /// Those of <paramref name="EventTypes"/> whose <c>HandleAsync(TEvent, CancellationToken)</c> the class already declares without
    /// listing the interface: the glue adds only the interface, which that method then implements.
    /// </param>
    internal sealed record SagaGlueSpec(
        string HintName,
        string? Namespace,
        EquatableArray<string> Declarations,
        string Runtime,
        EquatableArray<string> EventTypes,
        EquatableArray<string> MethodsWritten);
}
