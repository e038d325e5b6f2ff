namespace EventDriven.Generators.Model
{
    /// <summary>One constructor parameter of a handler, resolved from dependency injection by the generated factory.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="TypeName">Fully qualified parameter type.</param>
    /// <param name="DefaultValue">The C# text of the parameter's default value when it is optional (used when the service is not registered); null when required.</param>
    internal sealed record ParameterSpec(string TypeName, string? DefaultValue);
}
