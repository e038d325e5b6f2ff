namespace EventDriven.Sagas;

/// <summary>The part of a declared step the runtime needs without knowing its event type: its name, role, compensation and timeout.</summary>
internal abstract class SagaStep<TState>(string name, SagaStepKind kind, SagaAction<TState>? compensate, TimeSpan? timeout)
    where TState : class
{
    /// <summary>The event's CLR type name: what the journal records, so a reloaded instance finds the compensation again.</summary>
    public string Name { get; } = name;

    public SagaStepKind Kind { get; } = kind;

    public SagaAction<TState>? Compensate { get; } = compensate;

    public TimeSpan? Timeout { get; } = timeout;
}

/// <summary>A declared step for events of <typeparamref name="TEvent"/>.</summary>
internal sealed class SagaStep<TState, TEvent>(
    string name,
    SagaStepKind kind,
    Func<TEvent, string> correlate,
    SagaStepHandler<TState, TEvent>? handle,
    SagaAction<TState>? compensate,
    TimeSpan? timeout)
    : SagaStep<TState>(name, kind, compensate, timeout)
    where TState : class
    where TEvent : IEvent
{
    public Func<TEvent, string> Correlate { get; } = correlate;

    public SagaStepHandler<TState, TEvent>? Handle { get; } = handle;

    /// <summary>What an event of this type does when it reaches a finished instance (<c>WhenLate</c>); <see langword="null"/>: it is ignored.</summary>
    public SagaStepHandler<TState, TEvent>? Late { get; set; }
}
