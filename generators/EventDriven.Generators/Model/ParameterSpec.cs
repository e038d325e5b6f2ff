namespace EventDriven.Generators.Model
{
    /// <summary>One constructor parameter of a handler, resolved from dependency injection by the generated factory.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="TypeName">
    /// Fully qualified parameter type; for an optional <c>Nullable&lt;T&gt;</c> parameter, <c>T</c>, the type the factory looks up and
    /// tests for (a pattern cannot test for a nullable value type).
    /// </param>
    /// <param name="DefaultValue">The C# text of the parameter's default value when it is optional (used when the service is not registered); null when required.</param>
    internal sealed record ParameterSpec(string TypeName, string? DefaultValue);
}
