using Microsoft.Extensions.Logging;

namespace EventDriven.Projections;

internal static class ProjectionLog
{
    public static readonly Action<ILogger, string, long, string, Exception?> UnreadableSkipped = LoggerMessage.Define<string, long, string>(
        LogLevel.Warning, new EventId(311, "ProjectionSkippedUnreadable"),
        "Projection '{Projection}' passed over the unreadable event at position {Position} ({EventType}); its read model does not include it.");

    public static readonly Action<ILogger, string, long, Exception?> BatchFailed = LoggerMessage.Define<string, long>(
        LogLevel.Warning, new EventId(312, "ProjectionBatchFailed"),
        "Projection '{Projection}' could not read or commit the batch after position {Checkpoint}; it tries again after its poll interval.");

    public static readonly Action<ILogger, string, long, long, Exception?> CheckpointMoved = LoggerMessage.Define<string, long, long>(
        LogLevel.Information, new EventId(313, "ProjectionCheckpointMoved"),
        "Projection '{Projection}' found its checkpoint at {Actual}, not {Expected}: another runner of it is committing; this one goes on from there.");

    public static readonly Action<ILogger, string, Exception?> Stopped = LoggerMessage.Define<string>(
        LogLevel.Error, new EventId(314, "ProjectionStopped"),
        "Projection '{Projection}' stopped.");
}
