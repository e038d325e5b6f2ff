namespace EventDriven.Generators.Model
{
    /// <summary>The JSON metadata of one type an event uses (the event itself included).</summary>
    /// <remarks>Equatable data only (see <see cref="HandlerSpec"/>).</remarks>
    /// <param name="TypeName">Fully qualified, e.g. <c>global::System.Collections.Generic.List&lt;int&gt;</c>; the key.</param>
    /// <param name="Kind">Which factory creates the metadata.</param>
    /// <param name="Converter">
    /// For <see cref="JsonTypeKind.Value"/>: the <c>JsonMetadataServices</c> converter property, e.g. <c>Int32Converter</c>; for
    /// <see cref="JsonTypeKind.Custom"/>: C# that creates the converter the type's <c>[JsonConverter]</c> names.
    /// </param>
    /// <param name="ElementTypeName">The element (collections), value (dictionaries) or underlying (nullable) type.</param>
    /// <param name="KeyTypeName">The key type of dictionaries.</param>
    /// <param name="Object">For <see cref="JsonTypeKind.Object"/>: how to create and read the object.</param>
    internal sealed record JsonTypeSpec(
        string TypeName,
        JsonTypeKind Kind,
        string? Converter,
        string? ElementTypeName,
        string? KeyTypeName,
        JsonObjectSpec? Object);
}
