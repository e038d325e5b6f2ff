using System.ComponentModel;

namespace EventDriven.Dispatch;

/// <summary>
/// Marks an assembly that carries a generated dispatch table, so the generator in a referencing project can register that table
/// (and the analyzers can see which events it handles) without loading anything at run time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class EventDispatchTableAttribute(Type tableType) : Attribute
{
    /// <summary>The generated <see cref="IEventDispatchTable"/> type.</summary>
    public Type TableType { get; } = tableType;

    /// <summary>The event types that have at least one <see cref="EventHandlerAttribute"/> handler in the assembly.</summary>
    public Type[] HandledEvents { get; set; } = [];
}
