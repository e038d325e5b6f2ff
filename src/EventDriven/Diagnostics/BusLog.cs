using Microsoft.Extensions.Logging;

namespace EventDriven.Diagnostics;

/// <summary>The bus's log messages, defined once (no per-call formatting when the level is off).</summary>
internal static class BusLog
{
    public static readonly Action<ILogger, Guid, string, string, Exception?> EventAbandoned = LoggerMessage.Define<Guid, string, string>(
        LogLevel.Error,
        new EventId(1, "EventAbandoned"),
        "Event {EventId} ({EventType}, {ClrType}) was accepted but the stop timeout cancelled its consumer before it was handled by every handler (and, when events are stored before dispatch, perhaps before it was stored). Re-publish it from its source, or raise EventDrivenOptions.StopTimeout.");

    public static readonly Action<ILogger, long, Exception?> EventsAbandonedUnnamed = LoggerMessage.Define<long>(
        LogLevel.Error,
        new EventId(2, "EventsAbandonedUnnamed"),
        "{Count} events were claimed by publishers that had not finished writing them when the stop timeout cancelled the consumers; they were neither handled nor stored.");
}
