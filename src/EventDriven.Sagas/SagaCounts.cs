namespace EventDriven.Sagas;

/// <summary>
/// What one <see cref="SagaRuntime{TState}"/> has counted since it was created. The same numbers go to the <c>"EventDriven.Sagas"</c>
/// meter, tagged with the saga's name.
/// </summary>
/// <param name="Started">Instances started.</param>
/// <param name="StepsHandled">Events that changed an instance (starts, steps, compensation and completion triggers).</param>
/// <param name="Completed">Instances that completed.</param>
/// <param name="Compensated">Instances that were compensated (timed-out ones included).</param>
/// <param name="TimedOut">Timeouts that fired on a running instance.</param>
/// <param name="CompensationsRun">Step compensations run.</param>
/// <param name="LateEventsIgnored">Events for an instance that had already completed or been compensated, with no <c>WhenLate</c> declared for their type.</param>
/// <param name="DuplicateEventsIgnored">Events whose id the instance had already handled (redeliveries), and second starts of a running instance.</param>
/// <param name="OrphanEvents">Events for a correlation id without an instance that do not start one.</param>
/// <param name="SaveFailures">Saves the store rejected or failed (the instance is reloaded from the store on its next event).</param>
/// <param name="LateEventsHandled">Late events handled by their <c>WhenLate</c> declaration (e.g. a capture after the timeout, refunded).</param>
public readonly record struct SagaCounts(
    long Started,
    long StepsHandled,
    long Completed,
    long Compensated,
    long TimedOut,
    long CompensationsRun,
    long LateEventsIgnored,
    long DuplicateEventsIgnored,
    long OrphanEvents,
    long SaveFailures,
    long LateEventsHandled = 0);
