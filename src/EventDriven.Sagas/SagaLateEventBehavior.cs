namespace EventDriven.Sagas;

/// <summary>
/// What a saga does with a <b>late event</b>: an event of a declared type that reaches an instance which has already completed or
/// compensated, and whose type has no <c>WhenLate</c> declaration. (A redelivery of an event the instance handled is a duplicate,
/// not a late event, and is always ignored.)
/// </summary>
public enum SagaLateEventBehavior
{
    /// <summary>
    /// The default: count it (<see cref="SagaCounts.LateEventsIgnored"/>, metric <c>eventdriven.sagas.late_events_ignored</c>), log a
    /// warning naming the saga, instance, event type and id, and go on.
    /// </summary>
    Ignore = 0,

    /// <summary>Count and log it, then throw <see cref="SagaLateEventException"/>, so the bus's retry policy and dead-letter sink see it.</summary>
    Throw = 1,
}
