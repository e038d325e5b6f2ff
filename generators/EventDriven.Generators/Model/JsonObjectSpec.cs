using EventDriven.Generators.Helpers;

namespace EventDriven.Generators.Model
{
    /// <summary>How a record, class or struct is created and which properties it has.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="IsValueType">Structs are set through <c>Unsafe.Unbox</c>, so setters reach the boxed copy being built.</param>
    /// <param name="UsesParameterizedCreator">
    /// True when the object is created from the buffered JSON values: a constructor with parameters, or init-only and required
    /// properties that only an object initializer can set.
    /// </param>
    /// <param name="Parameters">Constructor parameters, then the init-only and required properties set by the initializer.</param>
    /// <param name="Properties">Every public readable instance property, derived declarations first.</param>
    internal sealed record JsonObjectSpec(
        bool IsValueType,
        bool UsesParameterizedCreator,
        EquatableArray<JsonParameterSpec> Parameters,
        EquatableArray<JsonPropertySpec> Properties);
}
