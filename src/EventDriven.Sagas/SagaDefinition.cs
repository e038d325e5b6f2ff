using System.Globalization;

namespace EventDriven.Sagas;

/// <summary>
/// Declares a saga once, at registration: which event starts an instance and how each event finds its instance (its correlation
/// id), what each step does, how a step is undone (its compensation), when the saga gives up waiting (timeouts), and which events
/// complete it or roll it back. Handed to <c>services.AddSaga&lt;TSaga, TState&gt;(...)</c> or to the <see cref="SagaRuntime{TState}"/> constructor.
/// </summary>
/// <remarks>
/// Each event type may be declared once. A step's name, recorded in the saved journal, is its event's CLR type name: renaming an
/// event class with compensations while instances are open strands those compensations (they are skipped and logged).
/// </remarks>
/// <typeparam name="TState">The saga's state: a class with a parameterless constructor, serialized with the <c>JsonTypeInfo</c> given at registration.</typeparam>
public sealed class SagaDefinition<TState>
    where TState : class, new()
{
    private readonly Dictionary<Type, SagaStep<TState>> _byEventType = [];
    private readonly Dictionary<string, SagaStep<TState>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Delegate> _lateBeforeDeclared = [];
    private SagaStep<TState>?[] _byEventIndex = [];
    private string _name;

    /// <summary>Creates an empty definition named <paramref name="name"/> (the key under which instances are stored).</summary>
    public SagaDefinition(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _name = name;
    }

    /// <summary>The saga's name, stored with every instance (<c>saga_type</c>): keep it stable across releases.</summary>
    public string Name
    {
        get => _name;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            _name = value;
        }
    }

    /// <summary>What a timeout does; <see langword="null"/> (the default) compensates with the reason <c>"timed out"</c>.</summary>
    internal SagaAction<TState>? TimeoutHandler { get; private set; }

    /// <summary>Runs after the last compensation, e.g. to publish <c>OrderCancelled</c>.</summary>
    internal SagaAction<TState>? CompensatedHandler { get; private set; }

    internal IReadOnlyDictionary<Type, SagaStep<TState>> StepsByEventType => _byEventType;

    internal IReadOnlyDictionary<string, SagaStep<TState>> StepsByName => _byName;

    /// <summary>The step declared for <typeparamref name="TEvent"/>, if any: one array read, the per-event lookup of the runtime.</summary>
    internal SagaStep<TState, TEvent>? StepFor<TEvent>()
        where TEvent : IEvent
    {
        int index = SagaEventIndex<TEvent>.Value;
        SagaStep<TState>?[] steps = _byEventIndex;
        return (uint)index < (uint)steps.Length ? steps[index] as SagaStep<TState, TEvent> : null;
    }

    /// <summary>
    /// <typeparamref name="TEvent"/> starts an instance for its correlation id: a fresh <typeparamref name="TState"/> is created and
    /// <paramref name="handle"/> fills it. A second start event for a running instance is ignored (and counted as a duplicate).
    /// </summary>
    /// <param name="correlationId">Takes the correlation id from the event, e.g. <c>e =&gt; e.OrderId</c>.</param>
    /// <param name="handle">Fills the new state; may publish, arm a timeout, complete or compensate.</param>
    /// <param name="compensate">Undoes this step when the saga compensates; runs last of all.</param>
    /// <param name="timeout">Arms the instance's timeout this long after the step, e.g. "validation must answer within 30 s".</param>
    public SagaDefinition<TState> StartsWith<TEvent>(Func<TEvent, Guid> correlationId, SagaStepHandler<TState, TEvent> handle, SagaAction<TState>? compensate = null, TimeSpan? timeout = null)
        where TEvent : IEvent
        => Add(SagaStepKind.Start, FromGuid(correlationId), RequireHandler(handle), compensate, timeout);

    /// <inheritdoc cref="StartsWith{TEvent}(Func{TEvent, Guid}, SagaStepHandler{TState, TEvent}, SagaAction{TState}?, TimeSpan?)"/>
    public SagaDefinition<TState> StartsWith<TEvent>(Func<TEvent, string> correlationId, SagaStepHandler<TState, TEvent> handle, SagaAction<TState>? compensate = null, TimeSpan? timeout = null)
        where TEvent : IEvent
        => Add(SagaStepKind.Start, RequireSelector(correlationId), RequireHandler(handle), compensate, timeout);

    /// <summary>
    /// <typeparamref name="TEvent"/> is a step of a running instance: <paramref name="handle"/> updates the state, and
    /// <paramref name="compensate"/> (if given) is recorded to undo it should the saga compensate later.
    /// </summary>
    /// <param name="correlationId">Takes the correlation id from the event.</param>
    /// <param name="handle">Updates the state; may publish, arm a timeout, complete or compensate.</param>
    /// <param name="compensate">Undoes this step, e.g. <c>(s, ctx) =&gt; ctx.PublishAsync(new InventoryReleased(...))</c>.</param>
    /// <param name="timeout">Arms the instance's timeout this long after the step, e.g. "payment must answer within 30 s, else compensate".</param>
    public SagaDefinition<TState> Step<TEvent>(Func<TEvent, Guid> correlationId, SagaStepHandler<TState, TEvent> handle, SagaAction<TState>? compensate = null, TimeSpan? timeout = null)
        where TEvent : IEvent
        => Add(SagaStepKind.Step, FromGuid(correlationId), RequireHandler(handle), compensate, timeout);

    /// <inheritdoc cref="Step{TEvent}(Func{TEvent, Guid}, SagaStepHandler{TState, TEvent}, SagaAction{TState}?, TimeSpan?)"/>
    public SagaDefinition<TState> Step<TEvent>(Func<TEvent, string> correlationId, SagaStepHandler<TState, TEvent> handle, SagaAction<TState>? compensate = null, TimeSpan? timeout = null)
        where TEvent : IEvent
        => Add(SagaStepKind.Step, RequireSelector(correlationId), RequireHandler(handle), compensate, timeout);

    /// <summary>
    /// <typeparamref name="TEvent"/> rolls a running instance back: <paramref name="handle"/> (optional) runs first, then every completed
    /// step's compensation once, newest first, then the <see cref="WhenCompensated"/> action. The reason recorded is the event's type name.
    /// </summary>
    public SagaDefinition<TState> CompensateOn<TEvent>(Func<TEvent, Guid> correlationId, SagaStepHandler<TState, TEvent>? handle = null)
        where TEvent : IEvent
        => Add(SagaStepKind.Compensate, FromGuid(correlationId), handle, compensate: null, timeout: null);

    /// <inheritdoc cref="CompensateOn{TEvent}(Func{TEvent, Guid}, SagaStepHandler{TState, TEvent}?)"/>
    public SagaDefinition<TState> CompensateOn<TEvent>(Func<TEvent, string> correlationId, SagaStepHandler<TState, TEvent>? handle = null)
        where TEvent : IEvent
        => Add(SagaStepKind.Compensate, RequireSelector(correlationId), handle, compensate: null, timeout: null);

    /// <summary><typeparamref name="TEvent"/> completes a running instance after <paramref name="handle"/> (optional) ran, unless the handler called <see cref="SagaContext.Compensate"/>.</summary>
    public SagaDefinition<TState> CompleteOn<TEvent>(Func<TEvent, Guid> correlationId, SagaStepHandler<TState, TEvent>? handle = null)
        where TEvent : IEvent
        => Add(SagaStepKind.Complete, FromGuid(correlationId), handle, compensate: null, timeout: null);

    /// <inheritdoc cref="CompleteOn{TEvent}(Func{TEvent, Guid}, SagaStepHandler{TState, TEvent}?)"/>
    public SagaDefinition<TState> CompleteOn<TEvent>(Func<TEvent, string> correlationId, SagaStepHandler<TState, TEvent>? handle = null)
        where TEvent : IEvent
        => Add(SagaStepKind.Complete, RequireSelector(correlationId), handle, compensate: null, timeout: null);

    /// <summary>
    /// Replaces what a fired timeout does. Without it, a timeout compensates with the reason <c>"timed out"</c>. The handler may call
    /// <see cref="SagaContext.Compensate"/>, <see cref="SagaContext.Complete"/>, or <see cref="SagaContext.ScheduleTimeout"/> to wait longer.
    /// </summary>
    public SagaDefinition<TState> OnTimeout(SagaAction<TState> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        TimeoutHandler = handle;
        return this;
    }

    /// <summary>Runs once after the last compensation of an instance, e.g. to publish <c>OrderCancelled</c> and notify the customer.</summary>
    public SagaDefinition<TState> WhenCompensated(SagaAction<TState> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        CompensatedHandler = handle;
        return this;
    }

    /// <summary>
    /// Declares what <typeparamref name="TEvent"/> does when it reaches an instance that has already <b>completed or compensated</b>:
    /// typically it undoes an effect the finished saga no longer wants, e.g. refunds a payment captured after the order was
    /// cancelled by its payment timeout. No real process can promise that a reply never comes after its timeout; this is where the
    /// saga says what such a reply means.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <paramref name="handle"/> runs under the instance's lock, at most once per late event id (a redelivered late event is a
    /// duplicate and ignored), with the finished instance's state. Its follow-up events are held and published like a step's, after the
    /// id is recorded and the instance saved (same <see cref="SagaDurability"/>); derive their ids with <see cref="SagaContext.DeriveId"/>
    /// so a re-run after a crash publishes the same events. <see cref="SagaContext.CompensationReason"/> is the reason the instance was
    /// compensated with (e.g. <c>"timed out"</c>), or <see langword="null"/> for a completed instance. A late handler cannot reopen or
    /// re-end the instance: <see cref="SagaContext.Complete"/>, <see cref="SagaContext.Compensate"/> and the timeout methods throw.
    /// </para>
    /// <para>
    /// <typeparamref name="TEvent"/> must also be declared in a role (<c>StartsWith</c>, <c>Step</c>, <c>CompensateOn</c> or
    /// <c>CompleteOn</c>), before or after this call: that role says what it does in time, this says what it does too late. A late
    /// event of a type without <c>WhenLate</c> is logged as a warning and counted (see <see cref="SagaOptions.LateEvents"/>).
    /// </para>
    /// </remarks>
    /// <exception cref="InvalidOperationException"><typeparamref name="TEvent"/> already has a <c>WhenLate</c>.</exception>
    public SagaDefinition<TState> WhenLate<TEvent>(SagaStepHandler<TState, TEvent> handle)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (_byEventType.TryGetValue(typeof(TEvent), out SagaStep<TState>? declared))
        {
            var step = (SagaStep<TState, TEvent>)declared;
            if (step.Late is not null)
            {
                throw DeclaredLateTwice(typeof(TEvent));
            }

            step.Late = handle;
        }
        else if (!_lateBeforeDeclared.TryAdd(typeof(TEvent), handle))
        {
            throw DeclaredLateTwice(typeof(TEvent));
        }

        return this;
    }

    internal void Validate()
    {
        foreach (Type undeclared in _lateBeforeDeclared.Keys)
        {
            throw new InvalidOperationException($"Saga '{_name}' declares WhenLate<{undeclared.Name}> but no role for '{undeclared.Name}': declare it with StartsWith, Step, CompensateOn or CompleteOn too, so the saga knows what it does in time.");
        }

        foreach (SagaStep<TState> step in _byEventType.Values)
        {
            if (step.Kind == SagaStepKind.Start)
            {
                return;
            }
        }

        throw new InvalidOperationException($"Saga '{_name}' has no StartsWith<TEvent> declaration: no event could ever start an instance.");
    }

    private SagaDefinition<TState> Add<TEvent>(SagaStepKind kind, Func<TEvent, string> correlate, SagaStepHandler<TState, TEvent>? handle, SagaAction<TState>? compensate, TimeSpan? timeout)
        where TEvent : IEvent
    {
        if (timeout is { } after)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(after, TimeSpan.Zero, nameof(timeout));
        }

        string name = typeof(TEvent).Name;
        if (_byEventType.ContainsKey(typeof(TEvent)))
        {
            throw new InvalidOperationException($"Saga '{_name}' declares event '{name}' twice; each event type plays one role in a saga.");
        }

        if (_byName.ContainsKey(name))
        {
            throw new InvalidOperationException($"Saga '{_name}' declares two event types named '{name}'; step names (the event's type name) must be unique within a saga.");
        }

        var step = new SagaStep<TState, TEvent>(name, kind, correlate, handle, compensate, timeout);
        if (_lateBeforeDeclared.Remove(typeof(TEvent), out Delegate? late))
        {
            step.Late = (SagaStepHandler<TState, TEvent>)late;
        }

        _byEventType.Add(typeof(TEvent), step);
        int index = SagaEventIndex<TEvent>.Value;
        if (index >= _byEventIndex.Length)
        {
            Array.Resize(ref _byEventIndex, index + 1);
        }

        _byEventIndex[index] = step;
        _byName.Add(name, step);
        return this;
    }

    private InvalidOperationException DeclaredLateTwice(Type eventType)
        => new($"Saga '{_name}' declares WhenLate<{eventType.Name}> twice; a late event has one meaning.");

    private static Func<TEvent, string> FromGuid<TEvent>(Func<TEvent, Guid> correlationId)
    {
        ArgumentNullException.ThrowIfNull(correlationId);
        return e => correlationId(e).ToString("D", CultureInfo.InvariantCulture);
    }

    private static Func<TEvent, string> RequireSelector<TEvent>(Func<TEvent, string> correlationId)
    {
        ArgumentNullException.ThrowIfNull(correlationId);
        return correlationId;
    }

    private static SagaStepHandler<TState, TEvent> RequireHandler<TEvent>(SagaStepHandler<TState, TEvent> handle)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle;
    }
}
