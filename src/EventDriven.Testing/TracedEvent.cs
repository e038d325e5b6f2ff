namespace EventDriven.Testing;

/// <summary>One event of a causation chain (<see cref="EventDrivenTestHarness.Trace"/>): the event, what caused it, and how deep it sits.</summary>
/// <param name="Event">The event.</param>
/// <param name="CauseId">The id of the event whose handler published it; <see cref="Guid.Empty"/> for the chain's first event.</param>
/// <param name="Depth">0 for the first event, 1 for what its handlers published, and so on.</param>
public sealed record TracedEvent(IEvent Event, Guid CauseId, int Depth)
{
    /// <inheritdoc />
    public override string ToString() => $"{new string(' ', Depth * 2)}{Event.EventType} {Event.Id}";
}
