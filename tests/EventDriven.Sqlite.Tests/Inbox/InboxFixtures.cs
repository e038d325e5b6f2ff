using System.Collections.Concurrent;

namespace EventDriven.Sqlite.Tests.Inbox;

/// <summary>Published only by the inbox tests.</summary>
public sealed record TicketSold(string Concert, int Seat) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "TicketSold";
    public string Source => "Tests";
}

/// <summary>The side effects of <see cref="CountTicketSale"/>: one per successful call, per event id.</summary>
public sealed class TicketSales
{
    private readonly ConcurrentDictionary<Guid, int> _sales = new();

    public int Total => _sales.Values.Sum();

    public int Of(Guid eventId) => _sales.GetValueOrDefault(eventId);

    public void Record(Guid eventId) => _sales.AddOrUpdate(eventId, 1, static (_, count) => count + 1);
}

/// <summary>
/// An accumulating handler deduplicated by the SQLite inbox. Its state is optional so that a bus built by another test of this
/// assembly, which does not register <see cref="TicketSales"/>, still resolves it (it then counts nothing).
/// </summary>
[EventHandler(Inbox = true)]
public sealed class CountTicketSale(TicketSales? sales = null) : IEventHandler<TicketSold>
{
    public ValueTask HandleAsync(TicketSold @event, CancellationToken cancellationToken = default)
    {
        sales?.Record(@event.Id);
        return default;
    }
}

/// <summary>A clock the test moves by hand, with timers the test fires by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(callback, state);
        _timers.Add(timer);
        return timer;
    }

    /// <summary>Runs every live timer's callback once, on this thread.</summary>
    public void FireTimers()
    {
        foreach (ManualTimer timer in _timers.Where(static t => !t.Disposed))
        {
            timer.Fire();
        }
    }

    public int LiveTimers => _timers.Count(static t => !t.Disposed);

    private sealed class ManualTimer(TimerCallback callback, object? state) : ITimer
    {
        public bool Disposed { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => !Disposed;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
