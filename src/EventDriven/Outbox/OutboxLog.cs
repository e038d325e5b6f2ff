using Microsoft.Extensions.Logging;

namespace EventDriven.Outbox;

/// <summary>The relay's log messages, defined once.</summary>
internal static class OutboxLog
{
    public static readonly Action<ILogger, double, Exception?> RelayFailed = LoggerMessage.Define<double>(
        LogLevel.Warning,
        new EventId(20, "OutboxRelayFailed"),
        "The outbox relay failed; nothing unconfirmed left the outbox, and it tries again in {DelayMs} ms.");
}
