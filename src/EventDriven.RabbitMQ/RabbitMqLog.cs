using Microsoft.Extensions.Logging;

namespace EventDriven.RabbitMQ;

/// <summary>The transport's log messages, defined once.</summary>
internal static class RabbitMqLog
{
    public static readonly Action<ILogger, string, double, Exception?> EndpointDisconnected = LoggerMessage.Define<string, double>(
        LogLevel.Warning,
        new EventId(40, "RabbitMqEndpointDisconnected"),
        "The RabbitMQ endpoint '{Queue}' lost or could not open its connection; unacknowledged messages go back to the queue. Reconnecting in {DelayMs} ms.");

    public static readonly Action<ILogger, string?, string?, string, string, Exception?> DeadLettered = LoggerMessage.Define<string?, string?, string, string>(
        LogLevel.Error,
        new EventId(41, "RabbitMqDeadLettered"),
        "Message {MessageId} ({EventType}) was moved to {DeadLetterQueue}: {Reason}");

    public static readonly Action<ILogger, string?, string?, string, Exception?> Requeued = LoggerMessage.Define<string?, string?, string>(
        LogLevel.Warning,
        new EventId(42, "RabbitMqRequeued"),
        "Message {MessageId} ({EventType}) was given back to {Queue} unhandled; it is delivered again.");
}
