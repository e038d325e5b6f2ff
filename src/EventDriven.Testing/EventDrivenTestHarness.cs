using System.Diagnostics;
using System.Globalization;
using System.Text;
using EventDriven.Diagnostics;
using EventDriven.Reliability;
using EventDriven.Sagas;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Testing;

/// <summary>
/// Watches a real <see cref="EventBus"/> in a test: records what was published (with causes), which handler ran on which event and
/// what failed or was dead-lettered, and tells exactly when all work is done (<see cref="WhenIdleAsync"/>). Register it with
/// <c>services.AddEventDrivenTestHarness()</c> and resolve it from the provider.
/// </summary>
/// <remarks>
/// <para>
/// <b>Idle is decided from the bus's own state, not from a quiet period.</b> The harness is idle when, at once: no publish through
/// the bus is in progress (inline mode: its handlers are done); every ring is empty (a ring counts an event until its whole batch
/// was dispatched, so handlers running, awaiting, retrying in back-off, the follow-ups they publish and store-and-publish appends are
/// all inside); no saga is firing timeouts and none is due on its clock (the harness fires due ones itself); no inbox mark is in
/// flight; and the saga store has flushed its saves. The state is read twice around the saga checks, so work started by one of them
/// is seen.
/// </para>
/// <para>
/// Handler runs are read from the bus's tracing (<c>ActivitySource "EventDriven"</c>): while a harness exists, the bus dispatches
/// through its traced path. Events published on the concrete <see cref="EventBus"/> directly bypass the recording (not the idle
/// decision); resolve <see cref="IEventBus"/>.
/// </para>
/// </remarks>
public sealed class EventDrivenTestHarness : IDisposable
{
    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(1);

    private readonly IServiceProvider _services;
    private readonly Lazy<EventBus> _bus;
    private readonly PublishedEventLog _log = new();
    private readonly Dictionary<Guid, (IEvent Event, Guid Cause)> _byId = [];
    private readonly HashSet<Activity> _running = [];
    private readonly List<HandlerRun> _runs = [];
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly Lock _gate = new();
    private readonly ActivityListener _listener;
    private int _publishing;
    private ISagaRuntime[]? _sagas;

    internal EventDrivenTestHarness(IServiceProvider services)
    {
        _services = services;
        _bus = new Lazy<EventBus>(services.GetRequiredService<EventBus>);
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == EventDrivenActivitySource.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = OnActivityStarted,
            ActivityStopped = OnActivityStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every event published through <see cref="IEventBus"/> so far, in order.</summary>
    public IReadOnlyList<IEvent> Published => _log.Events;

    /// <summary>Every handler run seen so far, in the order they ended.</summary>
    public IReadOnlyList<HandlerRun> Handled
    {
        get
        {
            lock (_gate)
            {
                return [.. _runs];
            }
        }
    }

    /// <summary>The handler runs that threw at least once (retried or not).</summary>
    public IReadOnlyList<HandlerRun> Failed => [.. Handled.Where(static r => r.Failed)];

    /// <summary>The events handlers gave up on, after their retries.</summary>
    public IReadOnlyList<DeadLetter> DeadLettered
    {
        get
        {
            lock (_gate)
            {
                return [.. _deadLetters];
            }
        }
    }

    /// <summary>The published events of type <typeparamref name="TEvent"/> (or derived from it), in order.</summary>
    public IReadOnlyList<TEvent> PublishedOf<TEvent>()
        where TEvent : IEvent
        => _log.Published<TEvent>();

    /// <inheritdoc cref="RecordingEventBus.Single{TEvent}(Func{TEvent, bool}?)"/>
    public TEvent Single<TEvent>(Func<TEvent, bool>? where = null)
        where TEvent : IEvent
        => _log.Single(where);

    /// <inheritdoc cref="RecordingEventBus.None{TEvent}(Func{TEvent, bool}?)"/>
    public void None<TEvent>(Func<TEvent, bool>? where = null)
        where TEvent : IEvent
        => _log.None(where);

    /// <summary>The events of type <typeparamref name="TEvent"/> that <paramref name="handlerType"/> ran on (succeeded in the end or not), in order.</summary>
    public IReadOnlyList<TEvent> HandledBy<TEvent>(Type handlerType)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(handlerType);
        string name = NameOf(handlerType);
        lock (_gate)
        {
            return [.. _runs.Where(r => r.HandlerName == name).Select(r => _byId[r.EventId].Event).OfType<TEvent>()];
        }
    }

    /// <summary>
    /// The causation chain that starts at <paramref name="eventId"/>: the event, then what its handlers published, and so on, depth
    /// first in publish order. Causes are known for events published synchronously by a handler (ring and inline).
    /// </summary>
    /// <exception cref="EventAssertionException">No event with that id was published through the harness.</exception>
    public IReadOnlyList<TracedEvent> Trace(Guid eventId)
    {
        List<(IEvent Event, Guid Cause)> all;
        lock (_gate)
        {
            if (!_byId.ContainsKey(eventId))
            {
                throw new EventAssertionException($"No event {eventId} was published through the harness. {_log.Describe()}");
            }

            all = [.. _log.Events.Select(e => _byId[e.Id])];
        }

        var trace = new List<TracedEvent>();
        Visit(all.First(e => e.Event.Id == eventId).Event, Guid.Empty, 0);
        return trace;

        void Visit(IEvent e, Guid cause, int depth)
        {
            trace.Add(new TracedEvent(e, cause, depth));
            foreach ((IEvent child, _) in all.Where(c => c.Cause == e.Id))
            {
                Visit(child, e.Id, depth + 1);
            }
        }
    }

    /// <summary>
    /// Returns once every published event, every follow-up it caused, every store append and inbox mark, every saga step and every
    /// saga timeout due on its clock is finished and nothing is queued (see the remarks on <see cref="EventDrivenTestHarness"/>). It
    /// returns at once when that is already so; otherwise it re-reads the state about every millisecond.
    /// </summary>
    /// <param name="timeout">The most to wait (default 30 s): an upper bound for a broken test, never a guess that work is done.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="BusNotIdleException">Still busy after <paramref name="timeout"/>; the message says with what.</exception>
    public async Task WhenIdleAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        TimeSpan limit = timeout ?? s_defaultTimeout;
        long started = Stopwatch.GetTimestamp();
        while (!await IsIdleAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new BusNotIdleException(string.Create(CultureInfo.InvariantCulture, $"The event bus was not idle after {limit.TotalSeconds:0.###} s: {DescribePending()}"));
            }

            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One reading of the idle decision <see cref="WhenIdleAsync"/> waits for (it fires due saga timeouts and flushes the saga store on the way).</summary>
    public async ValueTask<bool> IsIdleAsync(CancellationToken cancellationToken = default)
    {
        if (!Snapshot().IsIdle)
        {
            return false;
        }

        foreach (ISagaRuntime saga in Sagas)
        {
            if (await saga.FireDueTimeoutsAsync(cancellationToken).ConfigureAwait(false) > 0)
            {
                return false;
            }
        }

        if (_services.GetService<ISagaStore>() is { } store)
        {
            await store.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return Snapshot().IsIdle;
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    internal void BeginPublish(IEvent @event)
    {
        Interlocked.Increment(ref _publishing);
        Guid cause = CauseOfPublish();
        lock (_gate)
        {
            _byId.TryAdd(@event.Id, (@event, cause));
        }

        _log.Add(@event);
    }

    internal void EndPublish() => Interlocked.Decrement(ref _publishing);

    internal void RecordDeadLetter(DeadLetter letter)
    {
        lock (_gate)
        {
            _deadLetters.Add(letter);
        }
    }

    /// <summary>The sagas of the container, resolved once (the set is fixed when the provider is built).</summary>
    private ISagaRuntime[] Sagas => _sagas ??= [.. _services.GetServices<ISagaRuntime>()];

    private static string NameOf(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private Pending Snapshot()
    {
        int sagaPasses = 0;
        foreach (ISagaRuntime saga in Sagas)
        {
            sagaPasses += saga.TimeoutPassesRunning;
        }

        EventBusCounters counters = _bus.Value.Counters;
        return new Pending(Volatile.Read(ref _publishing), counters.QueueDepth, sagaPasses, (int)counters.InboxMarksInFlight);
    }

    private string DescribePending()
    {
        Pending pending = Snapshot();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{pending.QueueDepth} events queued or being handled on the ring, {pending.Publishing} publishes in progress, {pending.SagaPasses} saga timeout passes running, {pending.InboxMarks} inbox marks in flight.");
        lock (_gate)
        {
            var runningIds = new HashSet<Guid>();
            foreach (Activity activity in _running)
            {
                if (HandledEventOf(activity) is not { } eventId || !_byId.TryGetValue(eventId, out (IEvent Event, Guid Cause) e))
                {
                    continue;
                }

                runningIds.Add(eventId);
                string handler = activity.GetTagItem("eventdriven.handler") as string ?? "a handler";
                text.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  running: {handler} on {e.Event.EventType} {eventId} for {(DateTime.UtcNow - activity.StartTimeUtc).TotalMilliseconds:0} ms");
            }

            var handledIds = new HashSet<Guid>(_runs.Select(static r => r.EventId));
            handledIds.UnionWith(runningIds);
            foreach (IGrouping<string, IEvent> waiting in _log.Events.Where(e => !handledIds.Contains(e.Id)).GroupBy(static e => e.EventType, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  published, no handler run seen yet: {waiting.Key} ×{waiting.Count()}");
            }
        }

        foreach (ISagaRuntime saga in Sagas.Where(static s => s.TimeoutPassesRunning > 0))
        {
            text.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}  saga {saga.Name}: firing timeouts");
        }

        return text.ToString();
    }

    /// <summary>
    /// The event whose handler is publishing: the handler's span (ring and inline; it stays current across the handler's awaits) names
    /// it, else the ring consumer's context; none for a publish from outside a handler.
    /// </summary>
    private static Guid CauseOfPublish()
    {
        if (Activity.Current is { } span && HandledEventOf(span) is { } handled)
        {
            return handled;
        }

        EventContext context = EventContext.Current;
        return context.IsActive ? context.EventId : Guid.Empty;
    }

    /// <summary>The event a handler span is about (its <c>messaging.message.id</c>), or null for any other span.</summary>
    private static Guid? HandledEventOf(Activity activity)
        => activity.Source.Name == EventDrivenActivitySource.Name && activity.Kind == ActivityKind.Consumer
            && activity.GetTagItem("messaging.message.id") is string id && Guid.TryParse(id, out Guid eventId)
            ? eventId
            : null;

    // Tags are set after a span starts, so a span is only kept as running here; which event it handled is read when it stops (or
    // when a timeout message lists it). The idle decision does not use these: the ring's depth and the publishes in progress cover
    // every handler, and spans of other buses in the process would otherwise hold this one up.
    private void OnActivityStarted(Activity activity)
    {
        if (activity.Kind == ActivityKind.Consumer)
        {
            lock (_gate)
            {
                _running.Add(activity);
            }
        }
    }

    private void OnActivityStopped(Activity activity)
    {
        lock (_gate)
        {
            if (!_running.Remove(activity) || HandledEventOf(activity) is not { } eventId || !_byId.TryGetValue(eventId, out (IEvent Event, Guid Cause) handled))
            {
                return;
            }

            string handler = (activity.GetTagItem("eventdriven.handler") as string ?? "unknown").Replace('+', '.');
            string? error = activity.Status == ActivityStatusCode.Error ? activity.StatusDescription ?? "failed" : null;
            _runs.Add(new HandlerRun(eventId, handled.Event.EventType, handler, error));
        }
    }

    private readonly record struct Pending(int Publishing, long QueueDepth, int SagaPasses, int InboxMarks)
    {
        public bool IsIdle => Publishing == 0 && QueueDepth == 0 && SagaPasses == 0 && InboxMarks == 0;
    }
}
