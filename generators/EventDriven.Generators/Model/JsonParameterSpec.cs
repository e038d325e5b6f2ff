namespace EventDriven.Generators.Model
{
    /// <summary>One value the object creator takes: a constructor parameter or a member set by the object initializer.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="Name">The parameter's (or member's) name; System.Text.Json binds it to the property of that name.</param>
    /// <param name="TypeName">Fully qualified type.</param>
    /// <param name="IsNullable">Whether null is a legal value (reference types and <c>Nullable&lt;T&gt;</c>).</param>
    /// <param name="DefaultValue">C# for the default value of an optional parameter, null when required.</param>
    /// <param name="IsMemberInitializer">True for an init-only or required property set in the object initializer.</param>
    internal sealed record JsonParameterSpec(string Name, string TypeName, bool IsNullable, string? DefaultValue, bool IsMemberInitializer);
}
