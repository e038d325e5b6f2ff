using EventDriven.Aggregates;

namespace EventDriven.Benchmarks.Aggregates;

public sealed record LedgerOpened(string Owner) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "LedgerOpened";
    public string Source => "Benchmarks";
}

public sealed record LedgerCredited(long Amount) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "LedgerCredited";
    public string Source => "Benchmarks";
}

public sealed record LedgerDebited(long Amount) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "LedgerDebited";
    public string Source => "Benchmarks";
}

public readonly record struct LedgerNoted(Guid Id, int Code) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "LedgerNoted";
    public string Source => "Benchmarks";
}

public sealed record LedgerFrozen(string Reason) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "LedgerFrozen";
    public string Source => "Benchmarks";
}

/// <summary>The aggregate rehydrated by <see cref="RehydrateBenchmarks"/>: five event types, one a struct, each Apply a few field writes.</summary>
[Aggregate]
public sealed partial class Ledger : AggregateRoot
{
    public string? Owner { get; private set; }

    public long Balance { get; private set; }

    public int Notes { get; private set; }

    public bool Frozen { get; private set; }

    /// <summary>The events the dispatchers that are not generated call: what an Apply method does, as instance methods.</summary>
#pragma warning disable ED0013 // The baselines' appliers: they are Apply methods by another name, called by the dictionary and reflection dispatchers.
    public void On(LedgerOpened e) => Owner = e.Owner;

    public void On(LedgerCredited e) => Balance += e.Amount;

    public void On(LedgerDebited e) => Balance -= e.Amount;

    public void On(LedgerNoted e) => Notes += e.Code;

    public void On(LedgerFrozen e) => Frozen = true;
#pragma warning restore ED0013

    /// <summary>The generated switch's entry, for the benchmark (AggregateRoot's own is protected).</summary>
    public bool ApplyGenerated(IEvent @event) => ApplyEvent(@event);

    private void Apply(LedgerOpened e) => Owner = e.Owner;

    private void Apply(LedgerCredited e) => Balance += e.Amount;

    private void Apply(LedgerDebited e) => Balance -= e.Amount;

    private void Apply(in LedgerNoted e) => Notes += e.Code;

    private void Apply(LedgerFrozen e) => Frozen = true;
}
