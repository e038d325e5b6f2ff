using EventDriven;

namespace EventDriven.Benchmarks.Peers;

// One event type per handler count (1, 3, 10), as a class and as a struct. Each implements the contracts of every library compared
// (EventDriven's IEvent, Mediator's and MediatR's INotification; MassTransit takes any class), so every contender publishes the very
// same object to handlers doing the very same work: one addition into a PeerSink.

/// <summary>Where every peer handler adds its work, so the JIT cannot drop the calls as dead code.</summary>
public sealed class PeerSink
{
    public long Total;
}

public sealed class Order1 : IEvent, Mediator.INotification, MediatR.INotification
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "Order1";
    public string Source => "Benchmarks";
    public long Amount { get; init; } = 42;
}

public sealed class Order3 : IEvent, Mediator.INotification, MediatR.INotification
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "Order3";
    public string Source => "Benchmarks";
    public long Amount { get; init; } = 42;
}

public sealed class Order10 : IEvent, Mediator.INotification, MediatR.INotification
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "Order10";
    public string Source => "Benchmarks";
    public long Amount { get; init; } = 42;
}

public readonly record struct Price1(Guid Id, long Amount) : IEvent, Mediator.INotification, MediatR.INotification
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "Price1";
    public string Source => "Benchmarks";
}

public readonly record struct Price3(Guid Id, long Amount) : IEvent, Mediator.INotification, MediatR.INotification
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "Price3";
    public string Source => "Benchmarks";
}

public readonly record struct Price10(Guid Id, long Amount) : IEvent, Mediator.INotification, MediatR.INotification
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "Price10";
    public string Source => "Benchmarks";
}
