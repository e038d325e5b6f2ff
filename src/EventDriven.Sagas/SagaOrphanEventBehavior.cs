namespace EventDriven.Sagas;

/// <summary>What a saga does with an event whose correlation id has no saga instance and which does not start one.</summary>
public enum SagaOrphanEventBehavior
{
    /// <summary>The default: count it (<see cref="SagaCounts.OrphanEvents"/>, metric <c>eventdriven.sagas.orphan_events</c>), log a warning, and go on.</summary>
    Ignore = 0,

    /// <summary>Count and log it, then throw <see cref="SagaNotStartedException"/>, so the bus's retry policy and dead-letter sink see it.</summary>
    Throw = 1,
}
