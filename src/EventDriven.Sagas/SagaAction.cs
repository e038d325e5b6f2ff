namespace EventDriven.Sagas;

/// <summary>
/// Work a saga does without an event of its own: a step's compensation, the reaction to a timeout, the last word after every
/// compensation ran. Return <c>ValueTask.CompletedTask</c> when the work is synchronous.
/// </summary>
/// <typeparam name="TState">The saga's state class.</typeparam>
/// <param name="state">The instance's state.</param>
/// <param name="context">The instance's ids, clock, and <see cref="SagaContext.PublishAsync{TEvent}(TEvent)"/>.</param>
public delegate ValueTask SagaAction<in TState>(TState state, SagaContext context)
    where TState : class;
