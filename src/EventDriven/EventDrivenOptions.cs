using System.Numerics;
using EventDriven.Store;

namespace EventDriven;

/// <summary>Settings of the event bus, given to <c>services.AddEventDriven(options => ...)</c>.</summary>
public sealed class EventDrivenOptions
{
    private readonly Dictionary<Type, BackpressureMode> _backpressureByEvent = [];
    private readonly Dictionary<Type, Delegate> _partitionSelectors = [];
    private readonly Dictionary<string, RetryPolicy> _retryByHandler = new(StringComparer.Ordinal);

    /// <summary>How events reach handlers. Default <see cref="DispatchMode.RingBuffer"/>.</summary>
    public DispatchMode DispatchMode { get; set; } = DispatchMode.RingBuffer;

    /// <summary>What publishing an event without any handler does. Default <see cref="NoHandlerBehavior.Ignore"/>.</summary>
    public NoHandlerBehavior NoHandlerBehavior { get; set; } = NoHandlerBehavior.Ignore;

    /// <summary>Slots per ring (per partition): a power of two. Default 65,536. Memory: 16 bytes per slot, plus 4 with many producers, plus one column per struct event type.</summary>
    public int RingBufferCapacity { get; set; } = 65_536;

    /// <summary>Whether many threads publish (the default) or the application promises a single publishing thread.</summary>
    public ProducerType ProducerType { get; set; } = ProducerType.Multi;

    /// <summary>What an idle consumer does. Default <see cref="WaitStrategy.Blocking"/>.</summary>
    public WaitStrategy WaitStrategy { get; set; } = WaitStrategy.Blocking;

    /// <summary>What publishing does when a ring is full, unless <see cref="SetBackpressure{TEvent}"/> says otherwise for the event type. Default <see cref="BackpressureMode.Wait"/>.</summary>
    public BackpressureMode Backpressure { get; set; } = BackpressureMode.Wait;

    /// <summary>
    /// Rings, each with its own consumer loop. Default 1: every event in one order. With more, an event goes to the partition of
    /// its key (<see cref="IPartitionedEvent"/> or <see cref="PartitionBy{TEvent, TKey}"/>); events without a key go to partition 0.
    /// </summary>
    public int Partitions { get; set; } = 1;

    /// <summary>
    /// Which generated handlers this process runs: all by default; <c>o.Handlers.IncludeNamespace("Shop.Payments")</c> runs only the
    /// Payments service's handlers (one process per service from one assembly).
    /// </summary>
    public Dispatch.HandlerSelection Handlers { get; } = new();

    /// <summary>The retry policy of every handler without its own (<see cref="SetRetryPolicy"/>). Default <see cref="RetryPolicy.None"/>.</summary>
    public RetryPolicy RetryPolicy { get; set; } = RetryPolicy.None;

    /// <summary>How long stopping waits for the consumers to finish the events published before the stop; then the handlers are cancelled. Default 10 s, below the generic host's 30 s shutdown timeout.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the bus appends every published event to the registered <see cref="IEventStore"/> (an audit trail, replayable), before
    /// or after dispatching it. Default <see cref="Store.EventStorage.None"/>. Requires an <see cref="IEventStore"/> in the container
    /// (e.g. <c>AddEventDrivenSqlite</c>).
    /// </summary>
    public EventStorage EventStorage { get; set; } = EventStorage.None;

    /// <summary>
    /// How store-and-publish retries an append the store failed for a reason of its own (disk full, database locked) before the
    /// events are dead-lettered under <c>EventDriven.EventStore</c>. Default: 7 retries from 100 ms, doubling, at most 5 s apart
    /// (about 11 s in all). An event the store refuses for itself (too large, not serializable) is dead-lettered at once.
    /// </summary>
    public RetryPolicy StoreRetryPolicy { get; set; } = new(7, TimeSpan.FromMilliseconds(100), 2, TimeSpan.FromSeconds(5));

    /// <summary>The stream each stored event goes to. Default <see cref="EventStoreExtensions.DefaultStreamId"/>: <see cref="IStreamEvent.StreamId"/>, else <c>"$type-" + EventType</c>.</summary>
    public Func<IEvent, string>? StreamSelector { get; set; }

    /// <summary>Overrides <see cref="Backpressure"/> for one event type.</summary>
    public EventDrivenOptions SetBackpressure<TEvent>(BackpressureMode mode)
        where TEvent : IEvent
    {
        _backpressureByEvent[typeof(TEvent)] = mode;
        return this;
    }

    /// <summary>Chooses the partition of <typeparamref name="TEvent"/> by a key taken from the event, e.g. <c>PartitionBy&lt;OrderShipped, Guid&gt;(e =&gt; e.OrderId)</c>.</summary>
    public EventDrivenOptions PartitionBy<TEvent, TKey>(Func<TEvent, TKey> keySelector)
        where TEvent : IEvent
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keySelector);
        EqualityComparer<TKey> comparer = EqualityComparer<TKey>.Default;
        _partitionSelectors[typeof(TEvent)] = new Func<TEvent, int>(e => comparer.GetHashCode(keySelector(e)));
        return this;
    }

    /// <summary>Sets the retry policy of one handler, by its full type name (nested types with dots, e.g. <c>Shop.Payments.ChargeCard</c>).</summary>
    public EventDrivenOptions SetRetryPolicy(string handlerName, RetryPolicy policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(handlerName);
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate(nameof(policy));
        _retryByHandler[handlerName] = policy;
        return this;
    }

    /// <summary>Sets the retry policy of handler <typeparamref name="THandler"/>.</summary>
    public EventDrivenOptions SetRetryPolicy<THandler>(RetryPolicy policy)
        => SetRetryPolicy((typeof(THandler).FullName ?? typeof(THandler).Name).Replace('+', '.'), policy);

    /// <summary>The generated tables whose handlers <c>AddEventDriven</c> registered in this container: the ones the bus routes.</summary>
    internal List<Dispatch.IEventDispatchTable> RegisteredTables { get; } = [];

    internal RetryPolicy GetRetryPolicy(string handlerName)
        => _retryByHandler.TryGetValue(handlerName, out RetryPolicy? policy) ? policy : RetryPolicy;

    internal BackpressureMode GetBackpressure(Type eventType)
        => _backpressureByEvent.TryGetValue(eventType, out BackpressureMode mode) ? mode : Backpressure;

    internal Func<TEvent, int>? GetPartitionSelector<TEvent>()
        => _partitionSelectors.TryGetValue(typeof(TEvent), out Delegate? selector) ? (Func<TEvent, int>)selector : null;

    internal void Validate()
    {
        RequireDefined(DispatchMode, nameof(DispatchMode));
        RequireDefined(NoHandlerBehavior, nameof(NoHandlerBehavior));
        RequireDefined(ProducerType, nameof(ProducerType));
        RequireDefined(WaitStrategy, nameof(WaitStrategy));
        RequireDefined(Backpressure, nameof(Backpressure));
        RequireDefined(EventStorage, nameof(EventStorage));
        foreach (BackpressureMode mode in _backpressureByEvent.Values)
        {
            RequireDefined(mode, nameof(SetBackpressure));
        }

        if (RingBufferCapacity < 2 || !BitOperations.IsPow2(RingBufferCapacity))
        {
            throw new ArgumentOutOfRangeException(nameof(RingBufferCapacity), RingBufferCapacity, "RingBufferCapacity must be a power of two of at least 2 (e.g. 1024, 65536).");
        }

        if (Partitions is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(Partitions), Partitions, "Partitions must be between 1 and 1024.");
        }

        if (StopTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StopTimeout), StopTimeout, "StopTimeout cannot be negative.");
        }

        ArgumentNullException.ThrowIfNull(RetryPolicy);
        RetryPolicy.Validate(nameof(RetryPolicy));
        ArgumentNullException.ThrowIfNull(StoreRetryPolicy);
        StoreRetryPolicy.Validate(nameof(StoreRetryPolicy));
    }

    private static void RequireDefined<TEnum>(TEnum value, string name)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Unknown {typeof(TEnum).Name}. Supported: {string.Join(", ", Enum.GetNames<TEnum>())}.");
        }
    }
}
