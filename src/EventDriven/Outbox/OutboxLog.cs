using Microsoft.Extensions.Logging;

namespace EventDriven.Outbox;

/// <summary>The relay's log messages, defined once.</summary>
internal static class OutboxLog
{
    public static readonly Action<ILogger, double, Exception?> RelayFailed = LoggerMessage.Define<double>(
        LogLevel.Warning,
        new EventId(20, "OutboxRelayFailed"),
        "The outbox relay failed; nothing unconfirmed left the outbox, and it tries again in {DelayMs} ms.");

    public static readonly Action<ILogger, Guid, string, string, double, string, Exception?> MessageDeferred = LoggerMessage.Define<Guid, string, string, double, string>(
        LogLevel.Error,
        new EventId(21, "OutboxMessageDeferred"),
        "Outbox message for event {EventId} ('{EventType}') was refused by the broker; it and the later messages of partition key '{PartitionKey}' wait {DelayMs} ms, the rest goes on. Reason: {Reason}");
}
