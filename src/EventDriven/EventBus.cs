using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using EventDriven.Dispatch;
using EventDriven.Reliability;
using EventDriven.Ring;
using EventDriven.Store;

namespace EventDriven;

/// <summary>
/// The event bus: routes each published event through the generated dispatch tables of every registered assembly, then to runtime
/// subscribers, either through lock-free ring buffers drained by consumer loops (<see cref="DispatchMode.RingBuffer"/>, the
/// default) or on the publishing thread (<see cref="DispatchMode.Inline"/>). Get it from dependency injection
/// (<c>services.AddEventDriven()</c>) as <see cref="IEventBus"/>.
/// </summary>
/// <remarks>
/// Publishing looks up the route by a per-type integer id in an array (no dictionary, no <see cref="Type"/>), and allocates nothing
/// when handlers complete synchronously. Routes for event types first seen by <see cref="Subscribe{TEvent}"/> are added
/// copy-on-write, so publishing never locks. Handlers are resolved, and consumer loops started, on the first publish, subscribe or
/// <see cref="StartAsync"/>, not in the constructor, because handlers commonly take <see cref="IEventBus"/> in their own.
/// </remarks>
public sealed class EventBus : IEventBus, IDisposable, IAsyncDisposable
{
    private const int Running = 0;
    private const int Stopping = 1; // draining: only handlers may still publish (their follow-up events are part of the drain)
    private const int Stopped = 2;

    private readonly EventDrivenOptions _options;
    private readonly IReadOnlyList<IEventDispatchTable> _tables;
    private readonly IServiceProvider _services;
    private readonly IDeadLetterSink _deadLetters;
    private readonly EventDrivenMetrics _metrics;
    private readonly HandlerFailurePolicy _failurePolicy;
    private readonly EventStoreWriter? _storeWriter;
    private readonly Lock _routesGate = new();
    private object?[]? _routes;
    private EventRing[] _rings = [];
    private EventProcessor[] _processors = [];
    private StoreStage[] _consumerStores = [];
    private volatile int _state;
    private long _dropped;
    private Task? _stopping;

    internal EventBus(EventDrivenOptions options, IReadOnlyList<IEventDispatchTable> tables, IServiceProvider services, IDeadLetterSink deadLetters, IMeterFactory? meterFactory, IEventStore? store = null)
    {
        options.Validate();
        _options = options;
        _tables = tables;
        _services = services;
        _deadLetters = deadLetters;
        _metrics = new EventDrivenMetrics(meterFactory, QueueDepths, ConsumerLags);
        // Retry back-off runs on the registered clock, so a test with a fake TimeProvider controls it as it controls saga timeouts.
        TimeProvider time = services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        _failurePolicy = new HandlerFailurePolicy(options, deadLetters, _metrics, time);
        if (options.EventStorage != EventStorage.None)
        {
            if (store is null)
            {
                throw new InvalidOperationException($"EventDrivenOptions.EventStorage is {options.EventStorage} but no IEventStore is registered. Register one before the bus is built (services.AddEventDrivenSqlite(...) or services.AddSingleton<IEventStore>(new InMemoryEventStore())), or set EventStorage to None.");
            }

            _storeWriter = new EventStoreWriter(store, options.StreamSelector, _failurePolicy, options.StoreRetryPolicy, time);
        }
    }

    /// <summary>The dispatch mode the bus was created with.</summary>
    public DispatchMode DispatchMode => _options.DispatchMode;

    /// <summary>Events discarded because a ring was full under <see cref="BackpressureMode.Drop"/>.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Events still in a ring when the stop timeout cancelled the consumers: accepted, never handled.</summary>
    public long AbandonedCount => _processors.Sum(static p => p.Abandoned);

    /// <summary>Exceptions a consumer survived that were not handler failures (a failing dead-letter sink, a bug in a failure policy).</summary>
    public long ConsumerFaultCount => _processors.Sum(static p => p.Faults);

    /// <summary>Events published but not yet consumed, over all partitions (0 in inline mode).</summary>
    public long QueueDepth => _rings.Sum(static r => r.Depth);

    /// <summary>Events appended to the event store by store-and-publish (<see cref="EventDrivenOptions.EventStorage"/>).</summary>
    public long StoredCount => _storeWriter is null ? 0 : _storeWriter.Stored + _consumerStores.Sum(static s => s.Writer.Stored);

    /// <summary>Events the event store refused (too large, not serializable, or failing after every retry): dead-lettered under the handler name <c>EventDriven.EventStore</c>.</summary>
    public long StoreRejectedCount => _storeWriter is null ? 0 : _storeWriter.Rejected + _consumerStores.Sum(static s => s.Writer.Rejected);

    /// <summary>Dead letters the configured <see cref="IDeadLetterSink"/> threw on; kept here so they are not lost.</summary>
    public IReadOnlyList<DeadLetter> UndeliverableDeadLetters => _failurePolicy.Fallback.Letters;

    /// <inheritdoc />
    public ValueTask PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        // The IsValueType test keeps unoptimized (tier-0) code from boxing struct events just to compare them with null.
        if (!typeof(TEvent).IsValueType && @event is null)
        {
            ThrowHelper.ThrowArgumentNull(nameof(@event));
        }

        if (_state != Running)
        {
            ThrowIfNotAcceptingPublishes();
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        object?[] routes = Volatile.Read(ref _routes) ?? BuildRoutes();
        int id = EventTypeId<TEvent>.Value;
        if ((uint)id >= (uint)routes.Length || routes[id] is not { } untyped)
        {
            return NoHandler(@event);
        }

        EventRoute<TEvent> route = Unsafe.As<EventRoute<TEvent>>(untyped);
        EventRing[] rings = _rings;
        if (rings.Length != 0)
        {
            return Enqueue(rings, route, @event, cancellationToken);
        }

        return _storeWriter is null ? route.DispatchAsync(@event, cancellationToken) : StoreAndDispatchAsync(route, @event, cancellationToken);
    }

    /// <summary>
    /// Store-and-publish of an event dispatched on the calling thread (inline mode, or a consumer's handler publishing into its own
    /// full ring): the append is awaited before (or after) the handlers, as <see cref="EventDrivenOptions.EventStorage"/> says.
    /// </summary>
    private async ValueTask StoreAndDispatchAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        if (_options.EventStorage == EventStorage.BeforeDispatch)
        {
            await _storeWriter!.StoreOneAsync(@event, cancellationToken).ConfigureAwait(false);
            await route.DispatchAsync(@event, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await route.DispatchAsync(@event, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The handlers ran (some may have failed, which the caller learns from the exception): the store records the event.
            await _storeWriter!.StoreOneAsync(@event, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The ring-buffer half of <see cref="PublishAsync{TEvent}"/>, kept apart so the inline half stays small.</summary>
    private ValueTask Enqueue<TEvent>(EventRing[] rings, EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        EventRing ring = rings[route.PartitionOf(@event, rings.Length)];
        if (!ring.Sequencer.TryClaim(1, out long sequence))
        {
            return PublishWhenFullAsync(ring, route, @event, cancellationToken);
        }

        Commit(ring, route, @event, sequence);
        return default;
    }

    /// <summary>
    /// Writes and publishes a claimed slot. Every single-event publish ends here, so the check after it covers them all: a publish
    /// that raced with stop and landed after the consumer exited is drained on this thread instead of being left in the ring.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit<TEvent>(EventRing ring, EventRoute<TEvent> route, TEvent @event, long sequence)
        where TEvent : IEvent
    {
        ring.Write(sequence, route, @event);
        ring.Sequencer.Publish(sequence, sequence);
        _metrics.RecordPublished(route.EventTypeName);
        if (_state != Running)
        {
            _processors[ring.Partition].DrainAfterExit();
        }
    }

    /// <summary>
    /// Publishes many events of one type at once. In ring-buffer mode with one partition, as many events as the ring has room
    /// for are claimed and published with one sequence operation, which is what makes batch publishing faster than a loop.
    /// </summary>
    /// <exception cref="RingBufferFullException">(through the task) under <see cref="BackpressureMode.FailFast"/>, when the ring cannot take the rest of the batch; the events before it were published.</exception>
    public async ValueTask PublishBatchAsync<TEvent>(ReadOnlyMemory<TEvent> events, CancellationToken cancellationToken = default)
        where TEvent : IEvent
    {
        if (_state != Running)
        {
            ThrowIfNotAcceptingPublishes();
        }

        object?[] routes = Volatile.Read(ref _routes) ?? BuildRoutes();
        int id = EventTypeId<TEvent>.Value;
        if (_rings.Length != 1 || (uint)id >= (uint)routes.Length || routes[id] is not EventRoute<TEvent> route || !typeof(TEvent).IsValueType && ContainsNull(events.Span))
        {
            for (int i = 0; i < events.Length; i++)
            {
                await PublishAsync(events.Span[i], cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        EventRing ring = _rings[0];
        int published = 0;
        while (published < events.Length)
        {
            int claimed = ring.Sequencer.TryClaimUpTo(events.Length - published, out long high);
            if (claimed == 0)
            {
                // The ring is full: one event goes through the backpressure path (wait, fail or drop), then claiming resumes.
                await PublishWhenFullAsync(ring, route, events.Span[published], cancellationToken).ConfigureAwait(false);
                published++;
                continue;
            }

            WriteBatch(ring, route, events.Span.Slice(published, claimed), high);
            published += claimed;
        }

        if (_state != Running)
        {
            _processors[0].DrainAfterExit();
        }
    }

    /// <inheritdoc />
    public IDisposable Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        return GetOrAddRoute<TEvent>().Subscribe(handler);
    }

    /// <summary>Starts the bus: resolves every handler, builds the routes and, in ring-buffer mode, starts the consumer loops.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_state != Running)
        {
            ThrowHelper.ThrowBusStopped();
        }

        _ = Volatile.Read(ref _routes) ?? BuildRoutes();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the bus. Later publishes throw <see cref="InvalidOperationException"/>. In ring-buffer mode the consumers first handle
    /// every event published before the stop, for up to <see cref="EventDrivenOptions.StopTimeout"/>; past that (or when
    /// <paramref name="cancellationToken"/> fires) running handlers are cancelled and the remaining events are abandoned and counted.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_routesGate)
        {
            if (_state == Running)
            {
                _state = _processors.Length > 0 ? Stopping : Stopped;
            }

            return _stopping ??= StopProcessorsAsync(cancellationToken);
        }
    }

    /// <summary>Stops the bus (waiting for the drain). Both dispose methods exist so containers disposed either way can dispose it.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }

    private async Task StopProcessorsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_processors.Select(p => p.StopAsync(_options.StopTimeout, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            _state = Stopped;
        }
    }

    /// <summary>
    /// While stopping, a handler of an event being drained may still publish its follow-up events (they are part of the work the
    /// stop waits for); anyone else gets the stopped-bus error.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowIfNotAcceptingPublishes()
    {
        if (_state == Stopping && EventProcessor.IsInsideHandler)
        {
            return;
        }

        ThrowHelper.ThrowBusStopped();
    }

    private void WriteBatch<TEvent>(EventRing ring, EventRoute<TEvent> route, ReadOnlySpan<TEvent> batch, long high)
        where TEvent : IEvent
    {
        long low = high - batch.Length + 1;
        for (int i = 0; i < batch.Length; i++)
        {
            ring.Write(low + i, route, batch[i]);
        }

        ring.Sequencer.Publish(low, high);
        _metrics.RecordPublished(route.EventTypeName, batch.Length);
    }

    private static bool ContainsNull<TEvent>(ReadOnlySpan<TEvent> events)
    {
        foreach (TEvent @event in events)
        {
            if (@event is null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The ring is full: apply the event type's <see cref="BackpressureMode"/>. Never overwrites an unconsumed slot.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask PublishWhenFullAsync<TEvent>(EventRing ring, EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        switch (route.Backpressure)
        {
            case BackpressureMode.FailFast:
                return ValueTask.FromException(new RingBufferFullException(@event.EventType, ring.Capacity, ring.Partition));
            case BackpressureMode.Drop:
                Interlocked.Increment(ref _dropped);
                _metrics.RecordDropped(route.EventTypeName);
                return default;
            default:
                if (EventProcessor.IsConsumerOf(ring))
                {
                    // A handler publishing into its own full ring would wait for itself forever: run the event here instead
                    // (stored first or after, as the consumer would have, so store-and-publish still records it).
                    _metrics.RecordPublished(route.EventTypeName);
                    return _storeWriter is null ? route.DispatchAsync(@event, cancellationToken) : StoreAndDispatchAsync(route, @event, cancellationToken);
                }

                return WaitForSpaceAsync(ring, route, @event, cancellationToken);
        }
    }

    private async ValueTask WaitForSpaceAsync<TEvent>(EventRing ring, EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        var spinner = new SpinWait();
        long sequence;
        while (!ring.Sequencer.TryClaim(1, out sequence))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_state == Stopped)
            {
                ThrowHelper.ThrowBusStopped();
            }

            if (!spinner.NextSpinWillYield || spinner.Count < 30)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            // Spinning did not help: sleep until the consumer frees slots. The waiter count is raised before the re-check, so a
            // consumer that frees slots after the re-check sees it and releases the semaphore: no wake-up is lost.
            ring.Sequencer.AddWaitingProducer();
            try
            {
                if (ring.Sequencer.TryClaim(1, out sequence))
                {
                    break;
                }

                // The timeout only bounds a permit taken by another waiter; progress normally comes from the release.
                await ring.Sequencer.SpaceSignal.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ring.Sequencer.RemoveWaitingProducer();
            }
        }

        Commit(ring, route, @event, sequence);
    }

    private ValueTask NoHandler<TEvent>(TEvent @event)
        where TEvent : IEvent
    {
        if (_storeWriter is not null && _options.NoHandlerBehavior != NoHandlerBehavior.Throw)
        {
            // Store-and-publish records every published event, also one nobody handles (yet): the store is the history. On the ring it
            // travels like any event (an empty route), so it is stored in publication order with the events around it.
            EventRing[] rings = _rings;
            return rings.Length == 0
                ? new ValueTask(_storeWriter.StoreOneAsync(@event, CancellationToken.None))
                : Enqueue(rings, GetOrAddRoute<TEvent>(), @event, CancellationToken.None);
        }

        if (_options.NoHandlerBehavior == NoHandlerBehavior.Throw)
        {
            return ValueTask.FromException(new InvalidOperationException(
                $"No handler is registered for event '{@event.EventType}' ({typeof(TEvent).FullName}). Add an [EventHandler] class implementing IEventHandler<{typeof(TEvent).Name}>, or subscribe one with IEventBus.Subscribe."));
        }

        return default;
    }

    /// <summary>Resolves the handlers, builds the routes and starts the consumers, once.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private object?[] BuildRoutes()
    {
        lock (_routesGate)
        {
            if (_routes is { } built)
            {
                return built;
            }

            var builder = new EventRouteBuilder();
            foreach (IEventDispatchTable table in _tables)
            {
                table.AddRoutes(builder, _services);
            }

            object?[] routes = builder.Build();
            foreach (object? route in routes)
            {
                Configure(route as RouteBase);
            }

            if (_options.DispatchMode == DispatchMode.RingBuffer && _rings.Length == 0)
            {
                var rings = new EventRing[_options.Partitions];
                var processors = new EventProcessor[rings.Length];
                var stores = new List<StoreStage>();
                for (int i = 0; i < rings.Length; i++)
                {
                    rings[i] = new EventRing(_options.RingBufferCapacity, _options.ProducerType, i);
                    processors[i] = new EventProcessor(rings[i], _options.WaitStrategy, ConsumerStages(stores));
                }

                _consumerStores = [.. stores];
                _processors = processors;
                _rings = rings;
                foreach (EventProcessor processor in processors)
                {
                    processor.Start();
                }
            }

            // Release: a publisher that sees the array sees every route (and the rings) fully constructed.
            Volatile.Write(ref _routes, routes);
            return routes;
        }
    }

    /// <summary>
    /// What each consumer does with a batch, in order: store it first (<see cref="EventStorage.BeforeDispatch"/>), run the handlers,
    /// store it after (<see cref="EventStorage.AfterDispatch"/>). Each consumer gets its own stages (they own per-batch buffers).
    /// </summary>
    private IConsumerStage[] ConsumerStages(List<StoreStage> stores)
    {
        var stages = new List<IConsumerStage>(3);
        StoreStage? store = _storeWriter is null ? null : new StoreStage(_storeWriter.ForConsumer(), _options.EventStorage);
        if (store is not null)
        {
            stores.Add(store);
        }

        if (_options.EventStorage == EventStorage.BeforeDispatch && store is not null)
        {
            stages.Add(store);
        }

        stages.Add(new DispatchStage(_metrics));
        if (_options.EventStorage == EventStorage.AfterDispatch && store is not null)
        {
            stages.Add(store);
        }

        return [.. stages];
    }

    private void Configure(RouteBase? route)
    {
        if (route is null)
        {
            return;
        }

        route.Configure(_options);
        if (_options.DispatchMode == DispatchMode.RingBuffer)
        {
            route.UseFailurePolicy(_failurePolicy);
        }
    }

    private EventRoute<TEvent> GetOrAddRoute<TEvent>()
        where TEvent : IEvent
    {
        int id = EventTypeId<TEvent>.Value;
        object?[] current = Volatile.Read(ref _routes) ?? BuildRoutes();
        lock (_routesGate)
        {
            object?[] routes = _routes ?? current;
            if ((uint)id < (uint)routes.Length && routes[id] is EventRoute<TEvent> existing)
            {
                return existing;
            }

            var grown = new object?[Math.Max(routes.Length, id + 1)];
            routes.CopyTo(grown, 0);
            var route = new EventRoute<TEvent>(dispatcher: null);
            Configure(route);
            grown[id] = route;
            Volatile.Write(ref _routes, grown);
            return route;
        }
    }

    private IEnumerable<Measurement<long>> QueueDepths()
        => _rings.Select(static r => new Measurement<long>(r.Depth, new KeyValuePair<string, object?>("eventdriven.partition", r.Partition)));

    private IEnumerable<Measurement<long>> ConsumerLags()
        => _processors.Select(static p => new Measurement<long>(p.Lag, new KeyValuePair<string, object?>("eventdriven.partition", p.Ring.Partition)));
}
