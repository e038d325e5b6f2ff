namespace EventDriven.Generators.Model
{
    /// <summary>One property of an object.</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="Name">The C# name.</param>
    /// <param name="TypeName">Fully qualified property type.</param>
    /// <param name="JsonName">From <c>[JsonPropertyName]</c>; null for the C# name.</param>
    /// <param name="DeclaringTypeName">The type that declares it (a base class for inherited properties).</param>
    /// <param name="HasPublicSetter">A public <c>set</c> (not <c>init</c>): the generated setter assigns it after creation.</param>
    /// <param name="IsVirtual">Declared virtual, abstract or override.</param>
    /// <param name="IgnoreCondition">From <c>[JsonIgnore(Condition = ...)]</c>, the enum member name; null when absent.</param>
    /// <param name="BackingField">
    /// The compiler's backing field of a get-only auto-property (<c>Id { get; } = Guid.NewGuid()</c>), which the generated setter writes
    /// through an <c>UnsafeAccessor</c>, so an event read back keeps the value it was written with; null for every other property.
    /// </param>
    /// <param name="Converter">C# that creates the converter of the member's <c>[JsonConverter]</c>; null when it has none.</param>
    internal sealed record JsonPropertySpec(
        string Name,
        string TypeName,
        string? JsonName,
        string DeclaringTypeName,
        bool HasPublicSetter,
        bool IsVirtual,
        string? IgnoreCondition,
        string? BackingField = null,
        string? Converter = null);
}
