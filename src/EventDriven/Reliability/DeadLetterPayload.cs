using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Reliability;

/// <summary>
/// How every durable dead-letter store turns a letter's event into stored bytes and back, in one place: an event that cannot be
/// serialized is kept without payload and with the reason (the failure path never loses a letter), and one that cannot be read back
/// fails alone with <see cref="UnreadableDeadLetterException"/>.
/// </summary>
public static class DeadLetterPayload
{
    /// <summary>
    /// Serializes <paramref name="letter"/>'s event with <paramref name="serializer"/>. On failure returns the event's own type name,
    /// schema version 0, no payload, and the reason in <c>Error</c>.
    /// </summary>
    public static (string EventType, int SchemaVersion, byte[]? Payload, string? Error) Serialize(DeadLetter letter, IEventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(serializer);
        IEvent @event = letter.Event;
        try
        {
            SerializedEvent serialized = serializer.Serialize(@event);
            return (serialized.EventType, serialized.SchemaVersion, serialized.Payload, null);
        }
        catch (Exception exception) when (exception is EventSerializationException or NotSupportedException or InvalidOperationException)
        {
            return (@event.EventType ?? string.Empty, 0, null, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>Reads the event of <paramref name="letter"/> back with <paramref name="serializer"/>, upcasting an older schema version.</summary>
    /// <exception cref="UnreadableDeadLetterException">It was not serializable when dead-lettered, or its payload cannot be read back now.</exception>
    public static IEvent ReadEvent(DeadLetterRecord letter, IEventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(serializer);
        if (letter.PayloadError is { } payloadError)
        {
            throw new UnreadableDeadLetterException(letter, $"the event could not be serialized when it was dead-lettered ({payloadError}), so only its id, type and the failure were kept.");
        }

        var stored = new StoredEvent(
            Position: 0,
            StreamId: string.Empty,
            StreamVersion: 0,
            letter.EventId,
            letter.EventType,
            letter.SchemaVersion,
            letter.OccurredAt,
            CausationId: null,
            CorrelationId: null,
            Metadata: null,
            letter.Payload);
        try
        {
            return serializer.Deserialize(stored);
        }
        catch (EventDeserializationException exception)
        {
            string reason = exception switch
            {
                UnknownEventTypeException => $"no event type named '{letter.EventType}' is registered (renamed or removed; map an old name with EventTypeRegistry.AddAlias).",
                EventSchemaVersionException newer => $"the payload has schema version {letter.SchemaVersion}, newer than version {newer.KnownVersion} this program knows.",
                _ => $"the stored payload is not a valid '{letter.EventType}' ({exception.InnerException?.Message ?? exception.Message}).",
            };
            throw new UnreadableDeadLetterException(letter, reason, exception);
        }
    }

    /// <summary>The letter with its event read back, or the reason it cannot be: what every store's <c>InspectAsync</c> returns.</summary>
    public static DeadLetterInspection Inspect(DeadLetterRecord letter, IEventSerializer serializer)
    {
        try
        {
            return new DeadLetterInspection(letter, ReadEvent(letter, serializer), null);
        }
        catch (UnreadableDeadLetterException unreadable)
        {
            return new DeadLetterInspection(letter, null, unreadable);
        }
    }

    /// <summary>
    /// Re-drives a letter's event: reads it back, hands it to <paramref name="publish"/>, and only then lets the store mark it re-driven.
    /// Shared by the stores' <c>RedriveAsync</c>; <paramref name="markRedriven"/> is the store's own update.
    /// </summary>
    public static async ValueTask<IEvent> RedriveAsync(DeadLetterRecord letter, IEventSerializer serializer, Func<IEvent, CancellationToken, ValueTask> publish, Func<ValueTask> markRedriven, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(markRedriven);
        IEvent @event = ReadEvent(letter, serializer);
        cancellationToken.ThrowIfCancellationRequested();
        await publish(@event, cancellationToken).ConfigureAwait(false);
        await markRedriven().ConfigureAwait(false);
        return @event;
    }

    /// <summary>The publish function of a typed re-drive through <paramref name="bus"/>: refuses an event that is not a <typeparamref name="TEvent"/>.</summary>
    public static Func<IEvent, CancellationToken, ValueTask> PublishAs<TEvent>(long id, IEventBus bus)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(bus);
        return (@event, token) => @event is TEvent typed
            ? bus.PublishAsync(typed, token)
            : throw new InvalidOperationException($"Dead letter {id} holds a '{@event.EventType}' ({@event.GetType().FullName}), not a {typeof(TEvent).FullName}; nothing was re-driven.");
    }
}
