using EventDriven.Serialization;

namespace EventDriven.RabbitMQ;

/// <summary>Settings of <c>AddEventDrivenRabbitMQ</c>: the broker, the exchange events are published to, and this service's endpoint.</summary>
public sealed class RabbitMqOptions
{
    private readonly HashSet<string> _subscribed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);

    /// <summary>The broker (default <c>amqp://guest:guest@127.0.0.1:5672/</c>).</summary>
    public Uri Uri { get; set; } = new("amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>The topic exchange every service publishes its events to, with the event's stable type name as the routing key (default <c>eventdriven</c>).</summary>
    public string Exchange { get; set; } = "eventdriven";

    /// <summary>
    /// This service's queue (e.g. <c>inventory</c>): declared durable, bound to the event types this process's handlers take, and
    /// consumed with manual acknowledgements. Null (the default): this process only publishes. Instances of one service share it as
    /// competing consumers.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The endpoint queue's type (default <see cref="RabbitMqQueueType.Quorum"/>: replicated, poison-aware, durable).</summary>
    public RabbitMqQueueType QueueType { get; set; } = RabbitMqQueueType.Quorum;

    /// <summary>
    /// Only one instance of the service consumes at a time (RabbitMQ's single active consumer); the others take over when it goes.
    /// Keeps the queue's order across instances, at the price of one consumer's throughput. Default false (competing consumers).
    /// </summary>
    public bool SingleActiveConsumer { get; set; }

    /// <summary>How many unacknowledged messages the broker hands this process at once (default 256).</summary>
    public ushort PrefetchCount { get; set; } = 256;

    /// <summary>
    /// How many deliveries may be in the bus at once, handed over but not yet finished (default 1: each is finished and acknowledged
    /// before the next is handed over). More pipelines the work: in ring mode each delivery is queued in its partition in the queue's
    /// order (unless that ring is full) and acknowledged once the bus is done with it, so the store commits many per group and a
    /// waiting handler does not hold up the rest. In inline mode the handlers of that many deliveries run at once, in any order. At
    /// most <see cref="PrefetchCount"/>.
    /// </summary>
    public ushort ConsumerConcurrency { get; set; } = 1;

    /// <summary>The largest message body accepted (default 1 MiB); a larger one is dead-lettered unread.</summary>
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>The first wait before reconnecting after the broker went away (default 100 ms); doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two reconnection tries (default 5 s).</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the relay waits for the broker to confirm one batch (default 30 s): a broker that blocks the connection (memory or
    /// disk alarm) or never answers fails the batch, which stays in the outbox and is sent again after the back-off.
    /// </summary>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads received payloads; default a <see cref="JsonEventSerializer"/> over every generated event type.</summary>
    public IEventSerializer? Serializer { get; set; }

    /// <summary>The event types bound to the endpoint in addition to those found from the generated handler tables.</summary>
    public IReadOnlyCollection<string> Subscribed => _subscribed;

    /// <summary>Event types not bound to the endpoint although this process handles them.</summary>
    public IReadOnlyCollection<string> Ignored => _ignored;

    /// <summary>Binds the endpoint to <paramref name="eventType"/> (a stable name) too: for a handler the generator cannot name, or a subscriber added at run time.</summary>
    /// <returns>These options.</returns>
    public RabbitMqOptions Subscribe(string eventType)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        _subscribed.Add(eventType);
        _ignored.Remove(eventType);
        return this;
    }

    /// <summary>Does not bind the endpoint to <paramref name="eventType"/>, although a handler here takes it (it is handled only when published in this process).</summary>
    /// <returns>These options.</returns>
    public RabbitMqOptions Ignore(string eventType)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        _ignored.Add(eventType);
        _subscribed.Remove(eventType);
        return this;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Uri);
        if (Uri.Scheme is not ("amqp" or "amqps"))
        {
            throw new ArgumentException($"RabbitMqOptions.Uri is '{Uri}'; it must be an amqp:// or amqps:// address.", nameof(Uri));
        }

        if (string.IsNullOrWhiteSpace(Exchange))
        {
            throw new ArgumentException("RabbitMqOptions.Exchange is empty.", nameof(Exchange));
        }

        if (Endpoint is { } endpoint && (string.IsNullOrWhiteSpace(endpoint) || endpoint.Length > 200 || endpoint.StartsWith("amq.", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"RabbitMqOptions.Endpoint '{endpoint}' is not a usable queue name: give 1 to 200 characters, not starting with 'amq.'.", nameof(Endpoint));
        }

        if (!Enum.IsDefined(QueueType))
        {
            throw new ArgumentException($"RabbitMqOptions.QueueType is {(int)QueueType}, which is neither Quorum nor Classic.", nameof(QueueType));
        }

        if (PrefetchCount < 1)
        {
            throw new ArgumentException("RabbitMqOptions.PrefetchCount is 0; it must be at least 1 (0 would mean unbounded).", nameof(PrefetchCount));
        }

        if (ConsumerConcurrency < 1 || ConsumerConcurrency > PrefetchCount)
        {
            throw new ArgumentException($"RabbitMqOptions.ConsumerConcurrency is {ConsumerConcurrency}; it must be between 1 and PrefetchCount ({PrefetchCount}): more could never be delivered at once.", nameof(ConsumerConcurrency));
        }

        if (MaxMessageSize < 1)
        {
            throw new ArgumentException($"RabbitMqOptions.MaxMessageSize is {MaxMessageSize}; it must be at least 1.", nameof(MaxMessageSize));
        }

        if (ConfirmTimeout <= TimeSpan.Zero || ConfirmTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException($"RabbitMqOptions.ConfirmTimeout is {ConfirmTimeout}; it must be more than zero and under 24 days.", nameof(ConfirmTimeout));
        }

        if (MinReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < MinReconnectDelay)
        {
            throw new ArgumentException($"RabbitMqOptions reconnect delays ({MinReconnectDelay}, {MaxReconnectDelay}) must be positive, the maximum at least the minimum.", nameof(MinReconnectDelay));
        }
    }
}

/// <summary>The type of an endpoint's queue.</summary>
public enum RabbitMqQueueType
{
    /// <summary>A quorum queue: durable, replicated on a cluster, with delivery counts (the default).</summary>
    Quorum = 0,

    /// <summary>A classic durable queue.</summary>
    Classic = 1,
}
