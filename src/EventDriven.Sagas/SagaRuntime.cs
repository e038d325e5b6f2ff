using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventDriven.Sagas;

/// <summary>
/// Runs one saga: finds the instance of each event by its correlation id, runs the declared step under the instance's lock, records
/// the step in the instance's journal, saves the instance, then publishes the step's events. Compensates in reverse order, fires
/// timeouts, and resumes open instances after a restart (<see cref="StartAsync"/>). A singleton; the user's saga class delegates to it.
/// </summary>
/// <remarks>
/// Running instances stay in memory (the store is the durable copy, read when an instance is first seen by this process); finished
/// ones leave memory, and the ids of the most recent ones are remembered so their stale timeouts need no store read. An event for a
/// finished instance reads it back from the store: only its journal tells a redelivery (ignored) from a late event (see
/// <see cref="SagaDefinition{TState}.WhenLate{TEvent}"/>).
/// </remarks>
/// <typeparam name="TState">The saga's state class.</typeparam>
public sealed partial class SagaRuntime<TState> : ISagaRuntime, IAsyncDisposable
    where TState : class, new()
{
    private static readonly Func<string, SagaInstance<TState>> s_newInstance = static _ => new SagaInstance<TState>();

    private readonly SagaDefinition<TState> _definition;
    private readonly JsonTypeInfo<TState> _stateTypeInfo;
    private readonly ISagaStore _store;
    private readonly IEventBus _bus;
    private readonly SagaOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SagaMetrics _metrics;
    private readonly Action<SagaRecord, Exception> _onSaveFailed;
    private readonly Func<IEvent, string> _streamOf;
    private readonly ConcurrentDictionary<string, SagaInstance<TState>> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SagaStatus> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _finishedOrder = new();
    private int _finishedCount;

    /// <summary>Creates the runtime. <c>services.AddSaga&lt;TSaga, TState&gt;(...)</c> does this for you.</summary>
    /// <param name="definition">The saga's declaration; it must have a <c>StartsWith</c>. Do not change it afterwards.</param>
    /// <param name="stateTypeInfo">Serializes the state, e.g. <c>ShopJsonContext.Default.OrderSagaState</c> (source-generated, AOT-safe).</param>
    /// <param name="store">Where instances are kept.</param>
    /// <param name="bus">Where the steps' events are published.</param>
    /// <param name="options">Durability and bad-input policy; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where orphan, late and failed work is logged; nothing is logged when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>"EventDriven.Sagas"</c> meter; a plain meter when <see langword="null"/>.</param>
    /// <param name="streamSelector">
    /// The stream of each published event when an <see cref="IAtomicSagaStore"/> appends it with the state: the bus's
    /// <see cref="EventDrivenOptions.StreamSelector"/> (<c>AddSaga</c> passes it); <see cref="Store.EventStoreExtensions.DefaultStreamId"/> when <see langword="null"/>.
    /// </param>
    public SagaRuntime(
        SagaDefinition<TState> definition,
        JsonTypeInfo<TState> stateTypeInfo,
        ISagaStore store,
        IEventBus bus,
        SagaOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null,
        Func<IEvent, string>? streamSelector = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(stateTypeInfo);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(bus);
        definition.Validate();
        options ??= new SagaOptions();
        options.Validate();
        _definition = definition;
        _stateTypeInfo = stateTypeInfo;
        _store = store;
        _bus = bus;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = new SagaMetrics(definition.Name, meterFactory);
        _timeouts = new PriorityQueue<(string CorrelationId, DateTimeOffset Due), DateTimeOffset>();
        _onSaveFailed = OnSaveFailed;
        _streamOf = streamSelector ?? Store.EventStoreExtensions.DefaultStreamId;
    }

    /// <summary>The saga's name (<see cref="SagaDefinition{TState}.Name"/>).</summary>
    public string Name => _definition.Name;

    /// <summary>What the runtime has counted so far.</summary>
    public SagaCounts Counts => _metrics.Snapshot();

    /// <summary>
    /// Handles one event: call it from the saga class's <c>IEventHandler&lt;TEvent&gt;.HandleAsync</c>. Finds the instance by the
    /// declared correlation id, ignores (and counts) redelivered event ids and orphans (see <see cref="SagaOptions.OrphanEvents"/>),
    /// runs the step, saves, then publishes the step's events. An event for a finished instance runs its <c>WhenLate</c> handler, or
    /// is counted and logged (see <see cref="SagaOptions.LateEvents"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TEvent"/> is not declared in the saga's definition, or the event has no correlation id.</exception>
    /// <exception cref="SagaStateException">The instance's stored state cannot be read; only this instance is affected.</exception>
    /// <exception cref="SagaNotStartedException">An orphan event, with <see cref="SagaOrphanEventBehavior.Throw"/>.</exception>
    /// <exception cref="SagaLateEventException">A late event without <c>WhenLate</c>, with <see cref="SagaLateEventBehavior.Throw"/>.</exception>
    public async ValueTask HandleAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        if (!typeof(TEvent).IsValueType && @event is null)
        {
            throw new ArgumentNullException(nameof(@event));
        }

        if (_definition.StepFor<TEvent>() is not { } step)
        {
            throw new InvalidOperationException($"Saga '{Name}' does not declare event '{typeof(TEvent).Name}'. Declare it (StartsWith, Step, CompensateOn or CompleteOn) or stop routing it to the saga.");
        }

        string correlationId = step.Correlate(@event);
        if (string.IsNullOrEmpty(correlationId))
        {
            throw new InvalidOperationException($"Saga '{Name}': event '{@event.EventType}' ({@event.Id}) has an empty correlation id.");
        }

        // The event being handled, read before the first await (the consumer's context does not flow past one): what the events a
        // step appends with its state are caused by.
        EventContext cause = EventContext.Current;
        while (true)
        {
            SagaInstance<TState> instance = _instances.GetOrAdd(correlationId, s_newInstance);
            await instance.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            List<SagaHeldEvent>? outbox;
            try
            {
                if (instance.Evicted)
                {
                    Forget(correlationId, instance);
                    continue;
                }

                outbox = await EnsureLoadedAsync(instance, correlationId, cancellationToken).ConfigureAwait(false)
                    ? await ApplyAsync(instance, correlationId, step, @event, cause, cancellationToken).ConfigureAwait(false)
                    : await ApplyLateAsync(instance, correlationId, step, @event, cause, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Evict(correlationId, instance);
                throw;
            }
            finally
            {
                instance.Gate.Release();
            }

            await PublishAsync(outbox, cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>The instance <paramref name="correlationId"/> as last saved (pending write-behind saves included), or <see langword="null"/>.</summary>
    /// <exception cref="SagaStateException">The stored state cannot be read.</exception>
    public async ValueTask<SagaSnapshot<TState>?> GetAsync(string correlationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(correlationId);
        SagaRecord? record = await _store.LoadAsync(Name, correlationId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        (TState state, SagaJournal journal) = SagaDocument.Read(record, _stateTypeInfo);
        return new SagaSnapshot<TState>(correlationId, record.Revision, record.Status, state, journal.Steps, journal.Compensated, journal.Reason, record.TimeoutAt);
    }

    /// <inheritdoc cref="GetAsync(string, CancellationToken)"/>
    public ValueTask<SagaSnapshot<TState>?> GetAsync(Guid correlationId, CancellationToken cancellationToken = default)
        => GetAsync(correlationId.ToString("D", System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        StopTimer();
        await _store.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        _metrics.Dispose();
    }

    /// <summary>
    /// Reads the instance from the store the first time this process sees it. Returns false when it is finished; the caller ends with
    /// <see cref="Finish"/>, after it handled a late event of the instance if there is one.
    /// </summary>
    private async ValueTask<bool> EnsureLoadedAsync(SagaInstance<TState> instance, string correlationId, CancellationToken cancellationToken)
    {
        if (!instance.Loaded)
        {
            SagaRecord? record = await _store.LoadAsync(Name, correlationId, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                (TState state, SagaJournal journal) = SagaDocument.Read(record, _stateTypeInfo);
                instance.State = state;
                instance.Journal = journal;
                instance.Revision = record.Revision;
                instance.Status = record.Status;
                instance.TimeoutAt = record.TimeoutAt;
            }

            instance.Loaded = true;
        }

        return instance.State is null || instance.Status == SagaStatus.Running;
    }

    /// <summary>
    /// An event reached a finished instance. A redelivery (its id is in the journal) is a duplicate. A late event runs its
    /// <c>WhenLate</c> handler under the instance's lock, is recorded in the journal and saved exactly like a step, so a redelivery of
    /// it is then a duplicate too; without a declaration it is counted, logged as a warning and, with
    /// <see cref="SagaLateEventBehavior.Throw"/>, thrown to the bus. The instance leaves memory afterwards.
    /// </summary>
    private async ValueTask<List<SagaHeldEvent>?> ApplyLateAsync<TEvent>(
        SagaInstance<TState> instance, string correlationId, SagaStep<TState, TEvent> step, TEvent @event, EventContext cause, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        SagaStatus status = instance.Status;
        if (instance.Journal.Handled.Contains(@event.Id))
        {
            Finish(correlationId, instance);
            _metrics.DuplicateEvent();
            return null;
        }

        if (step.Late is not { } late)
        {
            Finish(correlationId, instance);
            _metrics.LateEvent();
            SagaLog.LateEvent(_logger, Name, correlationId, @event.EventType, @event.Id, status, null);
            if (_options.LateEvents == SagaLateEventBehavior.Throw)
            {
                throw new SagaLateEventException(Name, correlationId, @event.EventType, @event.Id, status);
            }

            return null;
        }

        TState state = instance.State!;
        DateTimeOffset now = _time.GetUtcNow();
        var context = new SagaContext(Name, correlationId, @event.Id, now, cancellationToken)
        {
            Cause = cause,
            LateFor = status,
            CompensationReason = status == SagaStatus.Compensated ? instance.Journal.Reason : null,
        };
        await late(state, @event, context).ConfigureAwait(false);
        instance.Journal.Handled.Add(@event.Id);
        await SaveAsync(instance, correlationId, state, context).ConfigureAwait(false);
        _metrics.LateEventHandled();
        SagaLog.LateEventHandled(_logger, Name, correlationId, @event.EventType, @event.Id, status, null);
        Finish(correlationId, instance);
        return context.Outbox;
    }

    private async ValueTask<List<SagaHeldEvent>?> ApplyAsync<TEvent>(
        SagaInstance<TState> instance, string correlationId, SagaStep<TState, TEvent> step, TEvent @event, EventContext cause, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        bool starting = instance.State is null;
        if (starting && step.Kind != SagaStepKind.Start)
        {
            Evict(correlationId, instance);
            _metrics.OrphanEvent();
            SagaLog.OrphanEvent(_logger, Name, correlationId, @event.EventType, @event.Id, null);
            if (_options.OrphanEvents == SagaOrphanEventBehavior.Throw)
            {
                throw new SagaNotStartedException(Name, correlationId, @event.EventType, @event.Id);
            }

            return null;
        }

        if (!starting && (step.Kind == SagaStepKind.Start || instance.Journal.Handled.Contains(@event.Id)))
        {
            _metrics.DuplicateEvent();
            return null;
        }

        TState state = instance.State ?? new TState();
        SagaJournal journal = instance.Journal;
        DateTimeOffset now = _time.GetUtcNow();
        var context = new SagaContext(Name, correlationId, @event.Id, now, cancellationToken) { Cause = cause };
        if (step.Handle is not null)
        {
            await step.Handle(state, @event, context).ConfigureAwait(false);
        }

        journal.Steps.Add(step.Name);
        journal.Handled.Add(@event.Id);
        DateTimeOffset? timeoutAt = step.Timeout is { } stepTimeout ? now + stepTimeout : null;
        string? compensateFor = context.CompensateRequested ?? (step.Kind == SagaStepKind.Compensate ? step.Name : null);
        bool complete = context.CompleteRequested || step.Kind == SagaStepKind.Complete;
        instance.State = state;
        if (starting)
        {
            instance.Status = SagaStatus.Running;
            _metrics.Started();
        }

        _metrics.StepHandled();
        await EndTransitionAsync(instance, correlationId, state, context, timeoutAt, compensateFor, complete).ConfigureAwait(false);
        return context.Outbox;
    }

    /// <summary>What every transition (an event or a timeout) ends with: compensate or complete if asked, re-arm the timeout, save.</summary>
    private async ValueTask EndTransitionAsync(
        SagaInstance<TState> instance, string correlationId, TState state, SagaContext context, DateTimeOffset? timeoutAt, string? compensateFor, bool complete)
    {
        if (context.TimeoutRequested is { } requested)
        {
            timeoutAt = context.Now + requested;
        }
        else if (context.TimeoutCancelled)
        {
            timeoutAt = null;
        }

        if (compensateFor is not null)
        {
            await CompensateAsync(instance, correlationId, state, context, compensateFor).ConfigureAwait(false);
            instance.Status = SagaStatus.Compensated;
            _metrics.Compensated();
            timeoutAt = null;
        }
        else if (complete)
        {
            instance.Status = SagaStatus.Completed;
            _metrics.Completed();
            timeoutAt = null;
        }

        instance.TimeoutAt = timeoutAt;
        await SaveAsync(instance, correlationId, state, context).ConfigureAwait(false);
        if (instance.Status != SagaStatus.Running)
        {
            Finish(correlationId, instance);
        }
        else if (timeoutAt is { } due)
        {
            ScheduleTimeout(correlationId, due);
        }
    }

    /// <summary>
    /// Runs every recorded step's compensation, newest first. All of them run under the instance's lock and are saved together with
    /// the status <see cref="SagaStatus.Compensated"/>, so no saved state has a half-run compensation: either all ran and none will
    /// again, or (the handler threw, nothing saved, nothing published) the next delivery starts over from the saved state.
    /// </summary>
    private async ValueTask CompensateAsync(SagaInstance<TState> instance, string correlationId, TState state, SagaContext context, string reason)
    {
        SagaJournal journal = instance.Journal;
        journal.Reason = reason;
        context.CompensationReason = reason;
        Dictionary<string, int> remaining = [];
        foreach (string completed in journal.Steps)
        {
            remaining[completed] = remaining.GetValueOrDefault(completed) + 1;
        }

        Dictionary<string, int> total = new(remaining);
        for (int i = journal.Steps.Count - 1; i >= 0; i--)
        {
            string name = journal.Steps[i];
            int occurrence = remaining[name]--;
            if (!_definition.StepsByName.TryGetValue(name, out SagaStep<TState>? step))
            {
                SagaLog.UnknownStep(_logger, Name, correlationId, name, null);
                continue;
            }

            if (step.Compensate is not null)
            {
                // A step completed twice is compensated twice: give each compensation its own derived ids.
                context.DerivationScope = total[name] > 1 ? string.Create(CultureInfo.InvariantCulture, $"{name}#{occurrence}") : null;
                try
                {
                    await step.Compensate(state, context).ConfigureAwait(false);
                }
                finally
                {
                    context.DerivationScope = null;
                }

                journal.Compensated.Add(name);
                _metrics.CompensationRun();
            }
        }

        if (_definition.CompensatedHandler is { } whenCompensated)
        {
            await whenCompensated(state, context).ConfigureAwait(false);
        }
    }

    private async ValueTask SaveAsync(SagaInstance<TState> instance, string correlationId, TState state, SagaContext context)
    {
        byte[] document = SagaDocument.Write(state, instance.Journal, _stateTypeInfo);
        long expected = instance.Revision;
        instance.Revision = expected + 1;
        var record = new SagaRecord(Name, correlationId, instance.Revision, instance.Status, document, instance.TimeoutAt, context.Now);

        try
        {
            if (_options.Durability == SagaDurability.AwaitCommit && _store is IAtomicSagaStore atomic && context.Outbox.Count > 0)
            {
                // The step's events commit with its state: a crash cannot keep one without the other. The bus stores them again
                // when they are published below (same ids: one copy, no second outbox row) and dispatches them.
                await atomic.SaveWithEventsAsync(record, expected, StepEvents(context), CancellationToken.None).ConfigureAwait(false);
            }
            else if (_options.Durability == SagaDurability.AwaitCommit)
            {
                await _store.SaveAsync(record, expected, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                // No task per save: a failure found by the store's writer later comes back through _onSaveFailed.
                _store.SaveInBackground(record, expected, _onSaveFailed);
            }
        }
        catch (Exception exception)
        {
            _metrics.SaveFailed();
            SagaLog.SaveFailed(_logger, Name, correlationId, exception);
            throw;
        }
    }

    /// <summary>The step's events as the bus would store them: its stream, caused by the event being handled (none for a timeout).</summary>
    private SagaStepEvent[] StepEvents(SagaContext context)
    {
        EventContext cause = context.Cause;
        var events = new SagaStepEvent[context.Outbox.Count];
        for (int i = 0; i < events.Length; i++)
        {
            IEvent @event = context.Outbox[i].Event;
            var append = cause.IsActive ? new Store.EventToAppend(@event, cause.EventId, cause.CorrelationId) : new Store.EventToAppend(@event, null, @event.Id);
            events[i] = new SagaStepEvent(_streamOf(@event), append);
        }

        return events;
    }

    /// <summary>
    /// A write-behind save failed after its step returned: count and log it, and mark the cached copy stale so the next event reloads.
    /// </summary>
    /// <remarks>
    /// Runs on the store's writer, without the instance's lock, while an event of the instance may be running: the copy stays in
    /// <see cref="_instances"/> (only marked), so the next event still queues on its lock and drops it from there. Removing it here
    /// would let that event create a second copy and run beside the first (e.g. both compensating).
    /// </remarks>
    private void OnSaveFailed(SagaRecord record, Exception exception)
    {
        _metrics.SaveFailed();
        SagaLog.SaveFailed(_logger, Name, record.CorrelationId, exception);
        if (_instances.TryGetValue(record.CorrelationId, out SagaInstance<TState>? instance))
        {
            instance.Evicted = true;
        }
    }

    private async ValueTask PublishAsync(List<SagaHeldEvent>? outbox, CancellationToken cancellationToken)
    {
        if (outbox is null)
        {
            return;
        }

        // Every follow-up is published even if one fails (inline mode: a downstream handler threw; FailFast: a full ring): the state
        // is saved and a redelivery of the trigger is ignored as handled, so an event skipped here would never be published.
        List<Exception>? failures = null;
        foreach ((_, Func<IEventBus, CancellationToken, ValueTask> publish) in outbox)
        {
            try
            {
                await publish(_bus, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                (failures ??= []).Add(exception);
            }
        }

        if (failures is { Count: 1 })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        }
        else if (failures is not null)
        {
            throw new AggregateException($"Saga '{Name}': {failures.Count} follow-up events failed to publish; the others were published.", failures);
        }
    }

    /// <summary>Drops the in-memory copy, so the next event reads the store again. Call it holding the instance's lock.</summary>
    private void Evict(string correlationId, SagaInstance<TState> instance)
    {
        instance.Evicted = true;
        Forget(correlationId, instance);
    }

    private void Forget(string correlationId, SagaInstance<TState> instance)
        => _instances.TryRemove(new KeyValuePair<string, SagaInstance<TState>>(correlationId, instance));

    /// <summary>Moves a finished instance out of memory and remembers its id (bounded), so its stale timeouts are dropped without a store read.</summary>
    private void Finish(string correlationId, SagaInstance<TState> instance)
    {
        if (_options.FinishedSagasRemembered > 0 && _finished.TryAdd(correlationId, instance.Status))
        {
            _finishedOrder.Enqueue(correlationId);

            // Counted here, not with _finished.Count: that takes every lock of the dictionary (up to 1,024 once it has grown),
            // which made each finishing saga cost microseconds.
            int remembered = Interlocked.Increment(ref _finishedCount);
            while (remembered > _options.FinishedSagasRemembered && _finishedOrder.TryDequeue(out string? oldest))
            {
                if (_finished.TryRemove(oldest, out _))
                {
                    remembered = Interlocked.Decrement(ref _finishedCount);
                }
            }
        }

        Evict(correlationId, instance);
    }
}
