namespace EventDriven.Reliability;

/// <summary>One dead letter with its event read back, or the reason it cannot be: what a durable dead-letter store's <c>InspectAsync</c> returns.</summary>
/// <param name="Letter">The letter as stored.</param>
/// <param name="Event">The event; null when it cannot be read back.</param>
/// <param name="ReadError">Why the event cannot be read back; null when it can.</param>
public sealed record DeadLetterInspection(DeadLetterRecord Letter, IEvent? Event, UnreadableDeadLetterException? ReadError);
