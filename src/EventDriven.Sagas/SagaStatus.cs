namespace EventDriven.Sagas;

/// <summary>Where a saga instance stands. Only <see cref="Running"/> sagas react to events and timeouts.</summary>
public enum SagaStatus
{
    /// <summary>Started and not finished: steps, compensation triggers and timeouts are handled.</summary>
    Running = 0,

    /// <summary>Finished successfully (<see cref="SagaDefinition{TState}.CompleteOn{TEvent}(Func{TEvent, Guid}, SagaStepHandler{TState, TEvent}?)"/> or <see cref="SagaContext.Complete"/>). Later events are ignored.</summary>
    Completed = 1,

    /// <summary>Rolled back: every completed step's compensation ran once, in reverse order. Later events are ignored.</summary>
    Compensated = 2,
}
