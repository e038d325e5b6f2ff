using EventDriven.Serialization;

namespace EventDriven.Reliability;

/// <summary>
/// The event of a dead letter cannot be read back: it could not be serialized when it was dead-lettered, or its stored payload is
/// corrupt, of an event type no longer registered, or of a newer schema. The letter itself is intact and still listed; only
/// reading and re-driving it fail.
/// </summary>
public sealed class UnreadableDeadLetterException : Exception
{
    /// <summary>Creates the exception for <paramref name="letter"/>.</summary>
    /// <param name="letter">The letter whose event cannot be read.</param>
    /// <param name="reason">Why, in words.</param>
    /// <param name="innerException">The serializer's error (an <see cref="EventDeserializationException"/>), if any.</param>
    public UnreadableDeadLetterException(DeadLetterRecord letter, string reason, Exception? innerException = null)
        : base($"Dead letter {letter?.Id} (event {letter?.EventId}, type '{letter?.EventType}', schema v{letter?.SchemaVersion}, failed in {letter?.HandlerName}) cannot be read back: {reason}", innerException)
    {
        ArgumentNullException.ThrowIfNull(letter);
        Letter = letter;
    }

    /// <summary>The letter.</summary>
    public DeadLetterRecord Letter { get; }
}
