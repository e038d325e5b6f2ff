using System.Text.Json.Serialization;
using EventDriven.Serialization;

namespace EventDriven.Sqlite.Tests.DeadLetters;

/// <summary>Published only by the dead-letter tests.</summary>
public sealed record RefundRequested(string OrderId, decimal Amount) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);
    public string EventType => "RefundRequested";
    public string Source => "Tests";
}

/// <summary>Never given JSON metadata: dead-lettering it cannot serialize it.</summary>
public sealed record OpaqueSignal(string Value) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "OpaqueSignal";
    public string Source => "Tests";
}

/// <summary>Whether the payment provider is down, and the refunds that went through.</summary>
public sealed class RefundGate
{
    public volatile bool ProviderDown;

    private readonly List<Guid> _refunded = [];

    public IReadOnlyList<Guid> Refunded
    {
        get
        {
            lock (_refunded)
            {
                return [.. _refunded];
            }
        }
    }

    public void Refund(Guid eventId)
    {
        lock (_refunded)
        {
            _refunded.Add(eventId);
        }
    }
}

/// <summary>Fails while the provider is down. Its state is optional so other tests' buses in this assembly resolve it too.</summary>
/// <remarks>Idempotent by declaration: the tests count refunds per delivery to prove a re-driven letter runs it once more.</remarks>
[EventHandler(Idempotent = true)]
public sealed class IssueRefund(RefundGate? gate = null) : IEventHandler<RefundRequested>
{
    public ValueTask HandleAsync(RefundRequested @event, CancellationToken cancellationToken = default)
    {
        if (gate is null)
        {
            return default;
        }

        if (gate.ProviderDown)
        {
            throw new TimeoutException($"The payment provider did not answer for order {@event.OrderId}.");
        }

        gate.Refund(@event.Id);
        return default;
    }
}

[JsonSerializable(typeof(RefundRequested))]
internal sealed partial class DeadLetterJsonContext : JsonSerializerContext;

internal static class DeadLetterSerializer
{
    /// <summary>Knows <see cref="RefundRequested"/> only, registered by hand.</summary>
    public static JsonEventSerializer Create() => new(new EventTypeRegistry([]).Add("RefundRequested", 1, DeadLetterJsonContext.Default.RefundRequested));
}
