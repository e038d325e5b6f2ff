using System.ComponentModel;

namespace EventDriven.Serialization;

/// <summary>
/// Marks an assembly that carries a generated <see cref="IEventTypeCatalog"/>, so the generator in a referencing project can
/// register that catalog from its own module initializer without loading or scanning anything at run time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class EventTypeCatalogAttribute(Type catalogType) : Attribute
{
    /// <summary>The generated <see cref="IEventTypeCatalog"/> type; it has a static <c>Register()</c> method.</summary>
    public Type CatalogType { get; } = catalogType;
}
