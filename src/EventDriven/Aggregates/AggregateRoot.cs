using System.ComponentModel;

namespace EventDriven.Aggregates;

/// <summary>
/// The base of an event-sourced aggregate (<see cref="AggregateAttribute"/>): its state is what its events made it. Commands check
/// the state and <see cref="Raise"/> events; <c>Apply</c> methods change the state, both when an event is raised and when the stream
/// is loaded again, so they must do nothing else (no I/O, no publishing, no clock): replay runs them again.
/// </summary>
/// <example>
/// <code>
/// [Aggregate]
/// public sealed partial class Order : AggregateRoot
/// {
///     public bool Submitted { get; private set; }
///
///     public void Submit(decimal total)
///     {
///         if (Submitted) throw new InvalidOperationException("Already submitted.");
///         Raise(new OrderSubmitted(Id, total));
///     }
///
///     private void Apply(OrderSubmitted e) => Submitted = true;
/// }
/// </code>
/// </example>
public abstract class AggregateRoot
{
    private readonly List<IEvent> _pending = [];
    private string _id = "";

    /// <summary>The aggregate's id: the id of the stream its events are stored in.</summary>
    public string Id => _id;

    /// <summary>
    /// The version of the last stored event this instance has applied (-1 for an aggregate not stored yet): the expected version
    /// of the next save. Raising an event does not change it; saving does.
    /// </summary>
    public long Version { get; private set; } = -1;

    /// <summary>Whether the aggregate has stored events (it was loaded with some, or saved).</summary>
    public bool Exists => Version >= 0;

    /// <summary>The events raised since the aggregate was loaded or last saved, in order; <see cref="AggregateRepository.SaveAsync{TAggregate}"/> stores them.</summary>
    public IReadOnlyList<IEvent> PendingEvents => _pending;

    /// <summary>A new aggregate, not stored yet, with id <paramref name="id"/> (the stream its events will be stored in).</summary>
    /// <typeparam name="TAggregate">An <see cref="AggregateAttribute"/> class.</typeparam>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null or empty.</exception>
    public static TAggregate Create<TAggregate>(string id)
        where TAggregate : AggregateRoot, IAggregateFactory<TAggregate>
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        TAggregate aggregate = TAggregate.CreateEmpty();
        aggregate._id = id;
        return aggregate;
    }

    /// <summary>Applies <paramref name="event"/> to the state and keeps it for the next save.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="event"/> is null.</exception>
    protected void Raise(IEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ApplyEvent(@event);
        _pending.Add(@event);
    }

    /// <summary>
    /// Calls the <c>Apply</c> method for <paramref name="event"/>'s runtime type; false when the aggregate has none (the event
    /// changes nothing). Written by the source generator as a type switch; do not override by hand.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected abstract bool ApplyEvent(IEvent @event);

    /// <summary>Applies one stored event while loading: the state moves on, nothing is pending.</summary>
    internal void ApplyStored(IEvent @event, long streamVersion)
    {
        ApplyEvent(@event);
        Version = streamVersion;
    }

    /// <summary>An instance restored from a snapshot is at the snapshot's version.</summary>
    internal void Restore(long version) => Version = version;

    /// <summary>The pending events were stored; the stream is now at <paramref name="version"/>.</summary>
    internal void MarkSaved(long version)
    {
        _pending.Clear();
        Version = version;
    }
}
