using Microsoft.Extensions.Logging;

namespace EventDriven.Aggregates;

internal static class AggregateLog
{
    public static readonly Action<ILogger, string, long, Exception?> SnapshotUnreadable = LoggerMessage.Define<string, long>(
        LogLevel.Warning, new EventId(301, "SnapshotUnreadable"),
        "The snapshot of aggregate stream '{StreamId}' at version {Version} could not be restored; the aggregate is loaded from all of its events instead.");

    public static readonly Action<ILogger, string, long, Exception?> SnapshotNotSaved = LoggerMessage.Define<string, long>(
        LogLevel.Warning, new EventId(302, "SnapshotNotSaved"),
        "The snapshot of aggregate stream '{StreamId}' at version {Version} was not saved; its events are stored, and the next due snapshot tries again.");
}
