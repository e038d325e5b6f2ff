namespace EventDriven.Transport;

/// <summary>
/// The ids an event carried from the process that published it (for example in broker message headers): which chain of events it
/// belongs to and which event caused it. Handlers here read them through <see cref="EventContext.Current"/> (ring-buffer mode),
/// events they publish inherit <see cref="CorrelationId"/>, and store-and-publish records both.
/// </summary>
/// <param name="CorrelationId">The chain the event belongs to; <see cref="Guid.Empty"/> makes the event start its own chain.</param>
/// <param name="CausationId">The event that caused it; <see cref="Guid.Empty"/> when nothing did.</param>
public readonly record struct ReceivedEventContext(Guid CorrelationId, Guid CausationId);
