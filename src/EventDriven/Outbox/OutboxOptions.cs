using EventDriven.Serialization;

namespace EventDriven.Outbox;

/// <summary>
/// Which events leave this service through the transactional outbox, and how the <see cref="OutboxRelay"/> sends them. Set through
/// the store's options (<c>AddEventDrivenSqlite(path, o => o.Outbox.Include&lt;OrderPlaced&gt;())</c>, the same on PostgreSQL).
/// </summary>
/// <remarks>
/// Every append of an included event type — store-and-publish, a unit of work, <c>IEventStore.AppendAsync</c> — also writes an
/// outbox row in the same transaction, so the event leaves only if the append committed, and always does once it has. Events you
/// do not store can be sent with a unit of work's <c>Send</c>.
/// </remarks>
public sealed class OutboxOptions
{
    private readonly HashSet<string> _eventTypes = new(StringComparer.Ordinal);

    /// <summary>Whether any event type is included (the store then keeps an outbox table and a relay can run over it).</summary>
    public bool IsEnabled => IncludesAll || _eventTypes.Count > 0;

    /// <summary>Every appended event goes to the outbox, whatever its type.</summary>
    public bool IncludesAll { get; private set; }

    /// <summary>The stable names of the included event types.</summary>
    public IReadOnlyCollection<string> EventTypes => _eventTypes;

    /// <summary>The most messages the relay sends in one batch (default 512).</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>How long the relay waits for a commit signal before it looks at the table anyway (default 1 s): the fallback if a signal is missed.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The relay's first wait after a failed send (default 100 ms); it doubles with each failure in a row.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two tries while the broker or the database stays unreachable (default 5 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sends <typeparamref name="TEvent"/> out (by its stable name, <see cref="IEvent.EventType"/>).</summary>
    /// <returns>These options, to include more.</returns>
    public OutboxOptions Include<TEvent>()
        where TEvent : IEvent
        => Include(EventTypeNames.Find(typeof(TEvent)) ?? throw new ArgumentException(
            $"No stable name is known for {typeof(TEvent).FullName}: its EventType is not a constant the generator could read, or no handler makes the generator see it. Include it by name: Include(\"<its EventType>\").",
            nameof(TEvent)));

    /// <summary>Sends the event type named <paramref name="eventType"/> (its stable name) out.</summary>
    /// <returns>These options, to include more.</returns>
    public OutboxOptions Include(string eventType)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        _eventTypes.Add(eventType);
        return this;
    }

    /// <summary>Sends every appended event out.</summary>
    /// <returns>These options.</returns>
    public OutboxOptions IncludeAll()
    {
        IncludesAll = true;
        return this;
    }

    /// <summary>Whether an appended event of <paramref name="eventType"/> gets an outbox row.</summary>
    public bool Includes(string eventType) => IncludesAll || _eventTypes.Contains(eventType);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentException($"OutboxOptions.BatchSize is {BatchSize}; it must be at least 1.", nameof(BatchSize));
        }

        ThrowIfNotPositive(PollInterval, nameof(PollInterval));
        ThrowIfNotPositive(MinRetryDelay, nameof(MinRetryDelay));
        ThrowIfNotPositive(MaxRetryDelay, nameof(MaxRetryDelay));
        if (MaxRetryDelay < MinRetryDelay)
        {
            throw new ArgumentException($"OutboxOptions.MaxRetryDelay ({MaxRetryDelay}) is shorter than MinRetryDelay ({MinRetryDelay}).", nameof(MaxRetryDelay));
        }
    }

    private static void ThrowIfNotPositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException($"OutboxOptions.{name} is {value}; it must be more than zero and under 24 days.", name);
        }
    }
}
