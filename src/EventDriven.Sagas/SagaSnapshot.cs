namespace EventDriven.Sagas;

/// <summary>A copy of one saga instance as the runtime last saved it, for queries, tests and summaries.</summary>
/// <typeparam name="TState">The saga's state class.</typeparam>
/// <param name="CorrelationId">The instance's correlation id.</param>
/// <param name="Revision">How many times the instance was saved.</param>
/// <param name="Status">Running, completed or compensated.</param>
/// <param name="State">A fresh copy of the state, read back from the saved document (changing it changes nothing).</param>
/// <param name="CompletedSteps">Names of the steps handled, oldest first (a step's name is its event's CLR type name).</param>
/// <param name="CompensatedSteps">Names of the steps whose compensation ran, in the order they ran (newest step first).</param>
/// <param name="Reason">Why the instance was compensated, or <see langword="null"/>.</param>
/// <param name="TimeoutAt">When the armed timeout fires, or <see langword="null"/>.</param>
public sealed record SagaSnapshot<TState>(
    string CorrelationId,
    long Revision,
    SagaStatus Status,
    TState State,
    IReadOnlyList<string> CompletedSteps,
    IReadOnlyList<string> CompensatedSteps,
    string? Reason,
    DateTimeOffset? TimeoutAt)
    where TState : class;
