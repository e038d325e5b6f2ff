using System.Collections.Concurrent;
using EventDriven;

namespace EventDriven.Tests.Inbox;

/// <summary>Published only by the inbox tests, so the inbox handler never runs in anyone else's test.</summary>
public sealed record PaymentCaptured(Guid PaymentId, decimal Amount) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "PaymentCaptured";
    public string Source => "Tests";
}

/// <summary>What <see cref="CapturePayment"/> did: one side effect per call that succeeded, and the ids to fail on once.</summary>
public sealed class InboxLog
{
    private readonly ConcurrentDictionary<Guid, int> _effects = new();
    private readonly ConcurrentDictionary<Guid, byte> _failOnce = new();
    private int _calls;

    /// <summary>Every call, failed or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>How many side effects happened in total (a successful call is one).</summary>
    public int SideEffects => _effects.Values.Sum();

    /// <summary>How many times the side effect happened for <paramref name="eventId"/>.</summary>
    public int EffectsOf(Guid eventId) => _effects.GetValueOrDefault(eventId);

    /// <summary>The next call for <paramref name="eventId"/> throws; later ones succeed.</summary>
    public void FailOnceFor(Guid eventId) => _failOnce.TryAdd(eventId, 0);

    public void Apply(Guid eventId)
    {
        Interlocked.Increment(ref _calls);
        if (_failOnce.TryRemove(eventId, out _))
        {
            throw new InvalidOperationException($"Payment gateway timed out for event {eventId}.");
        }

        _effects.AddOrUpdate(eventId, 1, static (_, count) => count + 1);
    }
}

/// <summary>An accumulating side effect, guarded by the inbox alone: no ED0004, because Inbox = true is a guard.</summary>
[EventHandler(Inbox = true)]
public sealed class CapturePayment(InboxLog log) : IEventHandler<PaymentCaptured>
{
    public ValueTask HandleAsync(PaymentCaptured @event, CancellationToken cancellationToken = default)
    {
        log.Apply(@event.Id);
        return default;
    }
}
