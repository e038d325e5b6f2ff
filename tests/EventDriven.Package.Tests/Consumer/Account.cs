using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EventDriven;
using EventDriven.Aggregates;
using EventDriven.Projections;
using EventDriven.Store;

namespace Consumer;

public sealed record AccountOpened(string Owner) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "AccountOpened";
    public string Source => "Consumer.Accounts";
}

public readonly record struct MoneyDeposited(Guid Id, decimal Amount) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "MoneyDeposited";
    public string Source => "Consumer.Accounts";
}

public sealed record AccountState(string? Owner, decimal Balance);

[JsonSerializable(typeof(AccountState))]
internal sealed partial class AccountJson : JsonSerializerContext;

/// <summary>An event-sourced aggregate: the generator writes its Apply switch and factory; snapshots every 2 events.</summary>
[Aggregate(SnapshotEvery = 2)]
public sealed partial class Account : AggregateRoot, ISnapshotable<AccountState>
{
    private Account()
    {
    }

    public static int SnapshotVersion => 1;

    public static JsonTypeInfo<AccountState> SnapshotJson => AccountJson.Default.AccountState;

    public string? Owner { get; private set; }

    public decimal Balance { get; private set; }

    public void Open(string owner) => Raise(new AccountOpened(owner));

    public void Deposit(decimal amount) => Raise(new MoneyDeposited(Guid.NewGuid(), amount));

    public AccountState TakeSnapshot() => new(Owner, Balance);

    public void RestoreSnapshot(AccountState snapshot) => (Owner, Balance) = (snapshot.Owner, snapshot.Balance);

    private void Apply(AccountOpened e) => Owner = e.Owner;

    private void Apply(in MoneyDeposited e) => Balance += e.Amount;
}

/// <summary>A read model over every stored deposit, run by the projection runner.</summary>
public sealed class DepositTotals : IProjection<InMemoryProjectionWriter>
{
    public string Name => "deposit-totals";

    public decimal Total { get; private set; }

    public int Deposits { get; private set; }

    public void Setup(InMemoryProjectionWriter writer)
    {
    }

    public void Apply(IEvent @event, StoredEvent stored, InMemoryProjectionWriter writer)
    {
        if (@event is MoneyDeposited deposit)
        {
            Total += deposit.Amount;
            Deposits++;
        }
    }

    public void Reset(InMemoryProjectionWriter writer) => (Total, Deposits) = (0, 0);
}
