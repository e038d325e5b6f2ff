using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using EventDriven.Diagnostics;
using EventDriven.Dispatch;
using EventDriven.Reliability;
using EventDriven.Ring;
using EventDriven.Store;
using EventDriven.Transport;
using Microsoft.Extensions.Logging;

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
/// This class is the front door and the lifecycle; the routes live in a <c>RouteTable</c>, the ring producer side (backpressure)
/// in a <c>RingPublisher</c>, the consumers and their stages in a <c>ConsumerGroup</c>.
/// </remarks>
public sealed class EventBus : IEventBus, IEventReceiver, IDisposable, IAsyncDisposable
{
    private const int Running = 0;
    private const int Stopping = 1; // draining: only handlers may still publish (their follow-up events are part of the drain)
    private const int Stopped = 2;

    private readonly EventDrivenOptions _options;
    private readonly EventDrivenMetrics _metrics;
    private readonly HandlerFailurePolicy _failurePolicy;
    private readonly RouteTable _routes;
    private readonly EventStoreWriter? _storeWriter;
    private ReceiptWatermark? _receiptWatermark;
    private IReceiptBarrier[]? _receiptBarriers;
    private readonly InlineStoreAndPublish? _inlineStore;
    private ConsumerGroup? _consumers;
    private RingPublisher? _ringPublisher;
    private volatile int _state;
    private Task? _stopping;
    private readonly IServiceProvider _services;
    private IInbox? _inbox;

    internal EventBus(EventDrivenOptions options, IReadOnlyList<IEventDispatchTable> tables, IServiceProvider services, IDeadLetterSink deadLetters, IMeterFactory? meterFactory, IEventStore? store = null)
    {
        options.Validate();
        _options = options;
        _services = services;
        _metrics = new EventDrivenMetrics(meterFactory, () => _consumers?.QueueDepths() ?? [], () => _consumers?.ConsumerLags() ?? [], () => Counters);
        // Retry back-off runs on the registered clock, so a test with a fake TimeProvider controls it as it controls saga timeouts.
        TimeProvider time = services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        _failurePolicy = new HandlerFailurePolicy(options, deadLetters, _metrics, time);
        _routes = new RouteTable(options, tables, services, options.DispatchMode == DispatchMode.RingBuffer ? _failurePolicy : null);
        if (options.EventStorage != EventStorage.None)
        {
            if (store is null)
            {
                throw new InvalidOperationException($"EventDrivenOptions.EventStorage is {options.EventStorage} but no IEventStore is registered. Register one before the bus is built (services.AddEventDrivenSqlite(...) or services.AddSingleton<IEventStore>(new InMemoryEventStore())), or set EventStorage to None.");
            }

            _storeWriter = new EventStoreWriter(store, options.StreamSelector, _failurePolicy, options.StoreRetryPolicy, time);
            _inlineStore = new InlineStoreAndPublish(_storeWriter, options.EventStorage);
        }
    }

    /// <summary>The dispatch mode the bus was created with.</summary>
    public DispatchMode DispatchMode => _options.DispatchMode;

    /// <inheritdoc />
    public EventBusCounters Counters
    {
        get
        {
            InboxMarkTracker? marks = Inbox is { } inbox ? InboxMarkTracker.Find(inbox) : null;
            return new EventBusCounters(
                QueueDepth: _consumers?.Depth ?? 0,
                Dropped: _ringPublisher?.Dropped ?? 0,
                Abandoned: _consumers?.Abandoned ?? 0,
                ConsumerFaults: _consumers?.Faults ?? 0,
                Stored: _storeWriter is null ? 0 : _storeWriter.Stored + (_consumers?.Stored ?? 0),
                StoreRejected: _storeWriter is null ? 0 : _storeWriter.Rejected + (_consumers?.StoreRejected ?? 0),
                InboxMarksInFlight: marks?.InFlight ?? 0,
                InboxMarkFailures: marks?.Failed ?? 0);
        }
    }

    /// <summary>
    /// The registered inbox, whose marks the counters report: resolved when first read (not in the constructor, where an inbox that
    /// takes the bus would make a cycle), and null once the container is gone or when none is registered.
    /// </summary>
    private IInbox? Inbox
    {
        get
        {
            if (_inbox is null)
            {
                try
                {
                    _inbox = _services.GetService(typeof(IInbox)) as IInbox;
                }
                catch (ObjectDisposedException)
                {
                    return null;
                }
            }

            return _inbox;
        }
    }

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

        object?[] routes = _routes.Routes ?? BuildRoutes();

        // Held as a base class or interface: routed by what it is. The JIT folds the test away for structs and sealed classes.
        if (!typeof(TEvent).IsValueType && @event.GetType() != typeof(TEvent))
        {
            return PublishByRuntimeTypeAsync(@event, cancellationToken);
        }

        int id = EventTypeId<TEvent>.Value;
        if ((uint)id >= (uint)routes.Length || routes[id] is not { } untyped)
        {
            return NoRouteYet(@event, cancellationToken);
        }

        return PublishRoutedAsync(Unsafe.As<EventRoute<TEvent>>(untyped), @event, cancellationToken);
    }

    /// <summary>The end of every publish once the event's route is known: into the ring, or dispatched (and stored) inline.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ValueTask PublishRoutedAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        if (_ringPublisher is { } ring)
        {
            return ring.Enqueue(route, @event, cancellationToken);
        }

        return InlineStoreAndPublish.DispatchAsync(_inlineStore, route, @event, cancellationToken);
    }

    /// <summary>An event published through a base type: its runtime type's route, which also runs the handlers of its base types.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask PublishByRuntimeTypeAsync<TEvent>(TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        RouteBase? route = _routes.GetOrAddForRuntimeType<TEvent>(@event.GetType());
        return route is not null ? route.PublishAsync(this, @event, cancellationToken) : NoHandler(@event);
    }

    /// <summary>No route for the static type: one is made now if handlers of its base types receive it, else it has no handler.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask NoRouteYet<TEvent>(TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent
        => _routes.InheritsHandlers(typeof(TEvent))
            ? PublishRoutedAsync(_routes.GetOrAdd<TEvent>(StartConsumers), @event, cancellationToken)
            : NoHandler(@event);

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

        object?[] routes = _routes.Routes ?? BuildRoutes();
        int id = EventTypeId<TEvent>.Value;
        if (_ringPublisher is not { } ring || _consumers!.Rings.Length != 1 || (uint)id >= (uint)routes.Length || routes[id] is not EventRoute<TEvent> route || !typeof(TEvent).IsValueType && ContainsNullOrDerived(events.Span))
        {
            for (int i = 0; i < events.Length; i++)
            {
                await PublishAsync(events.Span[i], cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await ring.PublishBatchAsync(route, events, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask ReceiveAsync(IEvent @event, ReceivedEventContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (_state != Running)
        {
            ThrowIfNotAcceptingPublishes();
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        _ = _routes.Routes ?? BuildRoutes();
        if (_routes.GetOrAddForRuntimeType<IEvent>(@event.GetType()) is { } route)
        {
            return route.ReceiveAsync(this, @event, context, cancellationToken);
        }

        if (_inlineStore is not null && _options.NoHandlerBehavior != NoHandlerBehavior.Throw)
        {
            // Stored as the history it is; on a ring bus this append runs beside the ring, not in its order (no route carries the type).
            return _inlineStore.StoreUnhandledAsync(@event, context);
        }

        return _options.NoHandlerBehavior == NoHandlerBehavior.Throw
            ? ValueTask.FromException(new InvalidOperationException(
                $"No handler is registered for the received event '{@event.EventType}' ({@event.GetType().FullName}). Add an [EventHandler] class implementing IEventHandler<{@event.GetType().Name}> in this service, or stop routing the event type to it."))
            : default;
    }

    /// <summary>The typed half of <see cref="ReceiveAsync(IEvent, ReceivedEventContext, CancellationToken)"/>, called back by the route.</summary>
    internal ValueTask ReceiveAsync<TEvent>(EventRoute<TEvent> route, TEvent @event, ReceivedEventContext context, CancellationToken cancellationToken)
        where TEvent : IEvent
    {
        if (_ringPublisher is { } ring)
        {
            return ring.EnqueueReceivedAsync(route, @event, context, cancellationToken);
        }

        ValueTask handled = InlineStoreAndPublish.DispatchAsync(_inlineStore, route, @event, cancellationToken, context);
        return ReceiptBarriers().Length == 0 ? handled : FlushBarriersAfterAsync(handled);
    }

    /// <summary>
    /// The write-behind parts (<see cref="IReceiptBarrier"/>) registered in the container: resolved once, when first needed (they may
    /// take the bus themselves, so not in the constructor).
    /// </summary>
    private IReceiptBarrier[] ReceiptBarriers()
        => _receiptBarriers ??= [.. (IEnumerable<IReceiptBarrier>?)_services.GetService(typeof(IEnumerable<IReceiptBarrier>)) ?? []];

    /// <summary>Inline: the handlers ran on the caller; what they wrote behind is made durable before the receipt completes.</summary>
    private async ValueTask FlushBarriersAfterAsync(ValueTask handled)
    {
        await handled.ConfigureAwait(false);
        foreach (IReceiptBarrier barrier in ReceiptBarriers())
        {
            await barrier.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public IDisposable Subscribe<TEvent>(IEventHandler<TEvent> handler)
        where TEvent : IEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        return _routes.GetOrAdd<TEvent>(StartConsumers).Subscribe(handler);
    }

    /// <summary>Starts the bus: resolves every handler, builds the routes and, in ring-buffer mode, starts the consumer loops.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_state != Running)
        {
            ThrowHelper.ThrowBusStopped();
        }

        _ = _routes.Routes ?? BuildRoutes();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the bus. Later publishes throw <see cref="InvalidOperationException"/>. In ring-buffer mode the consumers first handle
    /// every event published before the stop, for up to <see cref="EventDrivenOptions.StopTimeout"/>; past that (or when
    /// <paramref name="cancellationToken"/> fires) running handlers are cancelled and the remaining events are abandoned and counted.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_routes.Gate)
        {
            if (_state == Running)
            {
                _state = _consumers is not null ? Stopping : Stopped;
            }

            return _stopping ??= StopConsumersAsync(cancellationToken);
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

    private async Task StopConsumersAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_consumers is { } consumers)
            {
                await consumers.StopAsync(_options.StopTimeout, cancellationToken).ConfigureAwait(false);
                _receiptWatermark?.FailWaiting();
                LogAbandoned(consumers);
            }
        }
        finally
        {
            _state = Stopped;
        }
    }

    /// <summary>Events accepted but given up by the stop timeout, by id and type (those still readable), as <see cref="LogAbandoned"/> logged them.</summary>
    public IReadOnlyList<AbandonedEvent> AbandonedEvents => _consumers?.AbandonedEvents ?? [];

    /// <summary>Names every event the stop gave up, so an operator can re-publish them: a count alone says that something was lost, not what.</summary>
    private void LogAbandoned(ConsumerGroup consumers)
    {
        long abandoned = consumers.Abandoned;
        if (abandoned == 0)
        {
            return;
        }

        try
        {
            if (_services.GetService(typeof(ILoggerFactory)) is not ILoggerFactory loggers)
            {
                return;
            }

            ILogger logger = loggers.CreateLogger("EventDriven.EventBus");
            AbandonedEvent[] named = consumers.AbandonedEvents;
            foreach (AbandonedEvent @event in named)
            {
                BusLog.EventAbandoned(logger, @event.EventId, @event.EventType, @event.ClrType, null);
            }

            if (abandoned > named.Length)
            {
                BusLog.EventsAbandonedUnnamed(logger, abandoned - named.Length, null);
            }
        }
        catch (ObjectDisposedException)
        {
            // Stopped by the container's own disposal, after the logging was: AbandonedEvents and the counter still say it.
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

    /// <summary>A null (rejected one by one) or an event of a derived type (routed by its runtime type one by one) in a batch of a reference type.</summary>
    private static bool ContainsNullOrDerived<TEvent>(ReadOnlySpan<TEvent> events)
    {
        foreach (TEvent @event in events)
        {
            if (@event is null || @event.GetType() != typeof(TEvent))
            {
                return true;
            }
        }

        return false;
    }

    private ValueTask NoHandler<TEvent>(TEvent @event)
        where TEvent : IEvent
    {
        if (_inlineStore is not null && _options.NoHandlerBehavior != NoHandlerBehavior.Throw)
        {
            // Store-and-publish records every published event, also one nobody handles (yet): the store is the history. On the ring it
            // travels like any event (an empty route), so it is stored in publication order with the events around it.
            return _ringPublisher is { } ring
                ? ring.Enqueue(_routes.GetOrAdd<TEvent>(StartConsumers), @event, CancellationToken.None)
                : _inlineStore.StoreUnhandledAsync(@event);
        }

        if (_options.NoHandlerBehavior == NoHandlerBehavior.Throw)
        {
            // Named by what the event is, not the type it was held as: a handler for the base type is rarely the remedy.
            Type eventType = @event.GetType();
            string held = eventType == typeof(TEvent) ? string.Empty : $", published as {typeof(TEvent).FullName}";
            return ValueTask.FromException(new InvalidOperationException(
                $"No handler is registered for event '{@event.EventType}' ({eventType.FullName}{held}). Add an [EventHandler] class implementing IEventHandler<{eventType.Name}> (or one of its base types or interfaces), or subscribe one with IEventBus.Subscribe."));
        }

        return default;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private object?[] BuildRoutes() => _routes.Build(StartConsumers);

    /// <summary>In ring-buffer mode, creates the rings and starts their consumers (once; called under the route table's lock).</summary>
    private void StartConsumers()
    {
        if (_options.DispatchMode != DispatchMode.RingBuffer || _consumers is not null)
        {
            return;
        }

        IReceiptBarrier[] receiptBarriers = ReceiptBarriers();
        _receiptWatermark = _storeWriter is null && receiptBarriers.Length == 0 ? null : new ReceiptWatermark(_options.Partitions, receiptBarriers);
        var consumers = new ConsumerGroup(_options, ConsumerStages);
        _receiptWatermark?.Attach(consumers.Rings);
        _ringPublisher = new RingPublisher(consumers, _metrics, _inlineStore);
        _consumers = consumers;
        consumers.Start();
    }

    /// <summary>
    /// What each consumer does with a batch, in order: store it first (<see cref="EventStorage.BeforeDispatch"/>), run the handlers,
    /// store it after (<see cref="EventStorage.AfterDispatch"/>), complete the receipts of received events. Each consumer gets its own
    /// stages (they own per-batch buffers).
    /// </summary>
    private IConsumerStage[] ConsumerStages()
    {
        var dispatch = new DispatchStage(_metrics);
        // Last: a received event is finished only when every stage before is, once what its handlers published went through every
        // stage too (stored, handled here), and once the receipt barriers flushed what those handlers wrote behind.
        var receipts = new ReceiptStage(_receiptWatermark);
        if (_storeWriter is null)
        {
            return [dispatch, receipts];
        }

        var store = new StoreStage(_storeWriter.ForConsumer(), _options.EventStorage);
        return _options.EventStorage == EventStorage.BeforeDispatch ? [store, dispatch, receipts] : [dispatch, store, receipts];
    }
}
