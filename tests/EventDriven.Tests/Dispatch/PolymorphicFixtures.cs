using System.Collections.Concurrent;
using EventDriven;

namespace EventDriven.Tests.Dispatch;

/// <summary>The base every integration event of a service derives from, as in the reference applications (<c>IntegrationEvent</c>).</summary>
public abstract record IntegrationEvent(Guid OrderId) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public abstract string EventType { get; }
    public string Source => "Tests";
}

/// <summary>A marker interface some events carry; handled by <see cref="AuditedEventLog"/>.</summary>
public interface IAuditedEvent : IEvent;

/// <summary>Has a handler of its own, the base's handlers and the interface's.</summary>
public sealed record OrderPaidIntegration(Guid OrderId) : IntegrationEvent(OrderId), IAuditedEvent
{
    public override string EventType => "OrderPaidIntegration";
}

/// <summary>Has no handler of its own: only the base's.</summary>
public sealed record OrderShippedIntegration(Guid OrderId) : IntegrationEvent(OrderId)
{
    public override string EventType => "OrderShippedIntegration";
}

/// <summary>Handled by nobody, base or interface.</summary>
public sealed record NobodyListens(Guid OrderId) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "NobodyListens";
    public string Source => "Tests";
}

/// <summary>Every call the polymorphic handlers received: handler name and the event's runtime type.</summary>
public sealed class PolymorphicLog
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public void Record(string handler, IEvent @event) => Calls.Enqueue(handler + ":" + @event.GetType().Name);
}

#pragma warning disable ED0004 // They record every call: the tests count deliveries.
[EventHandler(Order = -1)]
public sealed class EarlyIntegrationCheck(PolymorphicLog log) : IEventHandler<IntegrationEvent>
{
    public ValueTask HandleAsync(IntegrationEvent @event, CancellationToken cancellationToken = default)
    {
        log.Record(nameof(EarlyIntegrationCheck), @event);
        return default;
    }
}

[EventHandler]
public sealed class IntegrationEventAudit(PolymorphicLog log) : IEventHandler<IntegrationEvent>
{
    public ValueTask HandleAsync(IntegrationEvent @event, CancellationToken cancellationToken = default)
    {
        log.Record(nameof(IntegrationEventAudit), @event);
        return default;
    }
}

[EventHandler]
public sealed class AuditedEventLog(PolymorphicLog log) : IEventHandler<IAuditedEvent>
{
    public ValueTask HandleAsync(IAuditedEvent @event, CancellationToken cancellationToken = default)
    {
        log.Record(nameof(AuditedEventLog), @event);
        return default;
    }
}

[EventHandler]
public sealed class ZRecordPayment(PolymorphicLog log) : IEventHandler<OrderPaidIntegration>
{
    public ValueTask HandleAsync(OrderPaidIntegration @event, CancellationToken cancellationToken = default)
    {
        log.Record(nameof(ZRecordPayment), @event);
        return default;
    }
}
#pragma warning restore ED0004
