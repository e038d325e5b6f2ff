using System.ComponentModel;

namespace EventDriven.Dispatch;

/// <summary>
/// The process-wide list of generated dispatch tables. Generated module initializers register their own assembly's table and the
/// tables of every referenced assembly the generator saw, so no assembly scanning is ever needed.
/// </summary>
/// <remarks>Tables are immutable descriptions; handler instances belong to each bus, so one process can host several buses.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class EventDispatchTables
{
    private static readonly Lock s_gate = new();
    private static IEventDispatchTable[] s_tables = [];

    /// <summary>Every table registered so far, in registration order.</summary>
    public static IReadOnlyList<IEventDispatchTable> All => Volatile.Read(ref s_tables);

    /// <summary>Registers <paramref name="table"/>; registering the same table again does nothing.</summary>
    public static void Register(IEventDispatchTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        lock (s_gate)
        {
            if (Array.IndexOf(s_tables, table) < 0)
            {
                Volatile.Write(ref s_tables, [.. s_tables, table]);
            }
        }
    }
}
