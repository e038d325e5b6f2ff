namespace EventDriven.Sagas;

/// <summary>
/// What a saga does with one event: update <paramref name="state"/> and, through <paramref name="context"/>, publish follow-up
/// events, arm a timeout, complete or compensate. Return <c>ValueTask.CompletedTask</c> when the work is synchronous.
/// </summary>
/// <typeparam name="TState">The saga's state class.</typeparam>
/// <typeparam name="TEvent">The event handled.</typeparam>
/// <param name="state">The instance's state; changes are saved when the handler returns (and dropped if it throws).</param>
/// <param name="event">The event.</param>
/// <param name="context">The instance's ids, clock, and the actions a step may take.</param>
public delegate ValueTask SagaStepHandler<in TState, in TEvent>(TState state, TEvent @event, SagaContext context)
    where TState : class
    where TEvent : IEvent;
