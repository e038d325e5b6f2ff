namespace EventDriven.Sagas;

/// <summary>
/// What a saga step, compensation or timeout handler knows about its instance, and the actions it may take. One context serves one
/// event (or one timeout); do not keep it after the handler returns.
/// </summary>
/// <remarks>
/// Events given to <see cref="PublishAsync{TEvent}(TEvent)"/> are held until the instance's new state has been handed to the store
/// (see <see cref="SagaDurability"/>) and the instance's lock is released, then published through <see cref="IEventBus"/> in the order
/// given. So a follow-up event never sees an older state, an inline bus may route it straight back into the same saga, and a handler
/// that throws publishes nothing. Give derived events ids from <see cref="DeriveId"/>, so a step re-run after a redelivery publishes
/// the same events and downstream deduplication holds.
/// </remarks>
public sealed class SagaContext
{
    private readonly List<SagaHeldEvent> _outbox = [];

    internal SagaContext(string sagaName, string correlationId, Guid triggerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SagaName = sagaName;
        CorrelationId = correlationId;
        TriggerId = triggerId;
        Now = now;
        CancellationToken = cancellationToken;
    }

    /// <summary>The saga's name, e.g. <c>"OrderSaga"</c>.</summary>
    public string SagaName { get; }

    /// <summary>The instance's correlation id (a <see cref="Guid"/> correlation is written in the <c>"D"</c> format).</summary>
    public string CorrelationId { get; }

    /// <summary>The id of the event being handled; for a timeout, an id derived from the instance and the timeout's due time.</summary>
    public Guid TriggerId { get; }

    /// <summary>The runtime's <see cref="TimeProvider"/> time when handling began.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Cancelled when the bus gives up on the event or the runtime stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Why the saga is compensating (the reason given to <see cref="Compensate"/>, the compensating event's type, or <c>"timed out"</c>); <see langword="null"/> otherwise.</summary>
    public string? CompensationReason { get; internal set; }

    /// <summary>Set for a <c>WhenLate</c> handler: the instance is finished, so nothing may end it again or arm its timeout.</summary>
    internal SagaStatus? LateFor { get; set; }

    internal bool CompleteRequested { get; private set; }

    internal string? CompensateRequested { get; private set; }

    internal TimeSpan? TimeoutRequested { get; private set; }

    internal bool TimeoutCancelled { get; private set; }

    internal List<SagaHeldEvent> Outbox => _outbox;

    /// <summary>The event being handled when the step began (inactive for a timeout): the cause of the events the step publishes.</summary>
    internal EventContext Cause { get; init; }

    /// <summary>
    /// Publishes <paramref name="event"/> once the instance's new state is saved (see the remarks on <see cref="SagaContext"/>). The
    /// returned task is already complete: it exists so a compensation can be written as <c>(s, ctx) =&gt; ctx.PublishAsync(...)</c>.
    /// </summary>
    public ValueTask PublishAsync<TEvent>(TEvent @event)
        where TEvent : IEvent
    {
        if (!typeof(TEvent).IsValueType && @event is null)
        {
            throw new ArgumentNullException(nameof(@event));
        }

        _outbox.Add(new SagaHeldEvent(@event, (bus, cancellationToken) => bus.PublishAsync(@event, cancellationToken)));
        return ValueTask.CompletedTask;
    }

    /// <summary>An id for an event derived from <see cref="TriggerId"/>: the same trigger and discriminator always give the same id (see <see cref="DeterministicId"/>).</summary>
    /// <remarks>
    /// While compensating a step that the instance completed more than once (two events of the same step type), each compensation
    /// gets its own ids: the discriminator is prefixed with the step and its occurrence, so a downstream inbox keeps both.
    /// </remarks>
    public Guid DeriveId(string discriminator)
        => DeterministicId.From(TriggerId, DerivationScope is null ? discriminator : DerivationScope + "/" + discriminator);

    /// <summary>Set while compensating a repeated step (e.g. <c>"StockReserved#2"</c>); null otherwise, so ordinary ids stay as they were.</summary>
    internal string? DerivationScope { get; set; }

    /// <summary>Ends the saga successfully once this handler returns; its timeout is cleared and later events are ignored.</summary>
    /// <exception cref="InvalidOperationException">Called from a <c>WhenLate</c> handler: the instance has already finished.</exception>
    public void Complete()
    {
        ThrowIfLate(nameof(Complete));
        CompleteRequested = true;
    }

    /// <summary>
    /// Rolls the saga back once this handler returns: every completed step's compensation runs once, newest first, then the
    /// <c>WhenCompensated</c> action. Wins over <see cref="Complete"/> when both are called.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from a <c>WhenLate</c> handler: the instance has already finished.</exception>
    public void Compensate(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ThrowIfLate(nameof(Compensate));
        CompensateRequested = reason;
    }

    /// <summary>Arms the instance's timeout <paramref name="after"/> from <see cref="Now"/>, replacing any armed one (one timeout per instance).</summary>
    /// <exception cref="InvalidOperationException">Called from a <c>WhenLate</c> handler: the instance has already finished.</exception>
    public void ScheduleTimeout(TimeSpan after)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(after, TimeSpan.Zero);
        ThrowIfLate(nameof(ScheduleTimeout));
        TimeoutRequested = after;
        TimeoutCancelled = false;
    }

    /// <summary>Disarms the instance's timeout. (Handling any event disarms it already, unless the step arms a new one.)</summary>
    /// <exception cref="InvalidOperationException">Called from a <c>WhenLate</c> handler: the instance has already finished.</exception>
    public void CancelTimeout()
    {
        ThrowIfLate(nameof(CancelTimeout));
        TimeoutRequested = null;
        TimeoutCancelled = true;
    }

    private void ThrowIfLate(string action)
    {
        if (LateFor is { } status)
        {
            throw new InvalidOperationException($"Saga '{SagaName}' instance '{CorrelationId}' is already {status}: a WhenLate handler cannot call {action}. It may publish events (e.g. a refund) and update the state; the outcome stays.");
        }
    }
}
