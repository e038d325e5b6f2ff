using Microsoft.Extensions.Logging;

namespace EventDriven.Sagas;

/// <summary>The runtime's log messages, defined once (no per-call formatting when the level is off).</summary>
internal static class SagaLog
{
    public static readonly Action<ILogger, string, string, string, Guid, Exception?> OrphanEvent = LoggerMessage.Define<string, string, string, Guid>(
        LogLevel.Warning, new EventId(1, "SagaOrphanEvent"), "Saga {Saga} has no instance {CorrelationId}; event {EventType} ({EventId}) does not start one and was not handled.");

    public static readonly Action<ILogger, string, string, string, Guid, SagaStatus, Exception?> LateEvent = LoggerMessage.Define<string, string, string, Guid, SagaStatus>(
        LogLevel.Warning, new EventId(2, "SagaLateEvent"), "Saga {Saga} instance {CorrelationId} is already {Status}: late event {EventType} ({EventId}) was not handled, and the saga declares no WhenLate for it. If it has an effect that must be undone (a capture, a booking), declare WhenLate.");

    public static readonly Action<ILogger, string, string, Exception?> SaveFailed = LoggerMessage.Define<string, string>(
        LogLevel.Error, new EventId(3, "SagaSaveFailed"), "Saga {Saga} instance {CorrelationId} could not be saved; the cached copy was dropped and the next event reloads the stored one.");

    public static readonly Action<ILogger, string, string, Exception?> TimeoutFailed = LoggerMessage.Define<string, string>(
        LogLevel.Error, new EventId(4, "SagaTimeoutFailed"), "Saga {Saga} instance {CorrelationId}: its timeout failed; it stays stored and is armed again on the next start.");

    public static readonly Action<ILogger, string, string, string, Guid, SagaStatus, Exception?> LateEventHandled = LoggerMessage.Define<string, string, string, Guid, SagaStatus>(
        LogLevel.Information, new EventId(6, "SagaLateEventHandled"), "Saga {Saga} instance {CorrelationId} is already {Status}: late event {EventType} ({EventId}) was handled by its WhenLate declaration.");

    public static readonly Action<ILogger, string, string, string, Exception?> UnknownStep = LoggerMessage.Define<string, string, string>(
        LogLevel.Warning, new EventId(5, "SagaUnknownStep"), "Saga {Saga} instance {CorrelationId} recorded step {Step}, which the definition no longer declares; its compensation was skipped.");
}
