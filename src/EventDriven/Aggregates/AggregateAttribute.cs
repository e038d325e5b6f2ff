namespace EventDriven.Aggregates;

/// <summary>
/// Marks an event-sourced aggregate: a <c>partial</c> class deriving from <see cref="AggregateRoot"/> whose state changes only in
/// <c>Apply(TEvent e)</c> methods, one per event type. The source generator writes the event switch that calls them (concrete calls,
/// no reflection, no dictionary), the factory <see cref="AggregateRepository"/> creates instances with, and adds the event types to
/// the assembly's serializer catalog.
/// </summary>
/// <remarks>
/// The class must be <c>partial</c>, concrete, non-generic and have a parameterless constructor (any accessibility); the generator
/// reports an <c>EDG</c> diagnostic otherwise. See <c>docs/event-sourcing.md</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AggregateAttribute : Attribute
{
    /// <summary>
    /// Take a snapshot every this many events (the aggregate must implement <see cref="ISnapshotable{TSnapshot}"/>); 0, the
    /// default, never. Loading then reads the latest snapshot and only the events after it.
    /// </summary>
    public int SnapshotEvery { get; set; }
}
