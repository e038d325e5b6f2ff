using System.Globalization;
using System.Text;
using EventDriven.Serialization;
using EventDriven.Store;
using EventDriven.Transport;
using RabbitMQ.Client;

namespace EventDriven.RabbitMQ;

/// <summary>Reads one delivery back into an event; anything wrong with it is a <see cref="PoisonMessageException"/> naming what.</summary>
internal static class ReceivedMessage
{
    public static (IEvent Event, ReceivedEventContext Context) Read(IReadOnlyBasicProperties properties, byte[] body, IEventSerializer serializer, int maxMessageSize)
    {
        try
        {
            return ReadChecked(properties, body, serializer, maxMessageSize);
        }
        catch (Exception exception) when (exception is not PoisonMessageException)
        {
            // Whatever else a header or a serializer throws for this message, it throws every time: the message is poison.
            throw new PoisonMessageException(exception.Message, exception);
        }
    }

    private static (IEvent Event, ReceivedEventContext Context) ReadChecked(IReadOnlyBasicProperties properties, byte[] body, IEventSerializer serializer, int maxMessageSize)
    {
        if (body.Length > maxMessageSize)
        {
            throw new PoisonMessageException($"the body is {body.Length} bytes, over RabbitMqOptions.MaxMessageSize ({maxMessageSize})");
        }

        if (!Guid.TryParse(properties.MessageId, out Guid eventId))
        {
            throw new PoisonMessageException($"message_id '{properties.MessageId}' is not an event id (a GUID)");
        }

        if (string.IsNullOrEmpty(properties.Type))
        {
            throw new PoisonMessageException("the message has no type property (the event type name)");
        }

        int schemaVersion = Header(properties, RabbitMqHeaders.SchemaVersion) switch
        {
            int version => version,
            long version => checked((int)version),
            null => 1,
            object other => throw new PoisonMessageException($"header {RabbitMqHeaders.SchemaVersion} is '{other}', not an integer"),
        };
        Guid? causation = ParseGuid(properties, RabbitMqHeaders.CausationId);
        Guid? correlation = Guid.TryParse(properties.CorrelationId, out Guid c) ? c : null;
        string partitionKey = Text(Header(properties, RabbitMqHeaders.PartitionKey)) ?? string.Empty;
        DateTimeOffset occurredAt = DateTimeOffset.TryParse(Text(Header(properties, RabbitMqHeaders.OccurredAt)), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at)
            ? at
            : DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime);

        var stored = new StoredEvent(0, partitionKey, -1, eventId, properties.Type, schemaVersion, occurredAt, causation, correlation, null, body);
        IEvent @event;
        try
        {
            @event = serializer.Deserialize(stored);
        }
        catch (EventDeserializationException exception)
        {
            throw new PoisonMessageException(exception.Message, exception);
        }

        if (@event.Id != eventId)
        {
            throw new PoisonMessageException($"message_id {eventId} is not the id {@event.Id} inside the payload");
        }

        return (@event, new ReceivedEventContext(correlation ?? Guid.Empty, causation ?? Guid.Empty));
    }

    private static object? Header(IReadOnlyBasicProperties properties, string name)
        => properties.Headers is { } headers && headers.TryGetValue(name, out object? value) ? value : null;

    private static string? Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        _ => null,
    };

    private static Guid? ParseGuid(IReadOnlyBasicProperties properties, string header)
        => Text(Header(properties, header)) is { } text
            ? Guid.TryParse(text, out Guid id) ? id : throw new PoisonMessageException($"header {header} is '{text}', not a GUID")
            : null;
}
