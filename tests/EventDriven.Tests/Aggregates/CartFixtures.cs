using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EventDriven.Aggregates;

namespace EventDriven.Tests.Aggregates;

public sealed record CartOpened(string Customer) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "CartOpened";
    public string Source => "Tests";
}

public record ItemPut(string Sku, int Quantity) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public virtual string EventType => "ItemPut";
    public string Source => "Tests";
}

/// <summary>Derives from <see cref="ItemPut"/>: the cart's most specific Apply (this one) runs, not the base type's.</summary>
public sealed record GiftPut(string Sku, int Quantity, string Note) : ItemPut(Sku, Quantity)
{
    public override string EventType => "GiftPut";
}

public readonly record struct ItemTaken(Guid Id, string Sku) : IEvent
{
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "ItemTaken";
    public string Source => "Tests";
}

/// <summary>Changes nothing in the cart: it has no Apply for it, and loading passes over it.</summary>
public sealed record CartViewed(string By) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "CartViewed";
    public string Source => "Tests";
}

public sealed record CartState(string? Customer, Dictionary<string, int> Lines, int Gifts, int Applied);

[JsonSerializable(typeof(CartState))]
internal sealed partial class CartJson : JsonSerializerContext;

/// <summary>A shopping cart: commands check and raise, Apply methods change state (one by <c>in</c>, for a struct event).</summary>
[Aggregate(SnapshotEvery = 5)]
public sealed partial class Cart : AggregateRoot, ISnapshotable<CartState>
{
    private Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    private Cart()
    {
    }

    public static int SnapshotVersionForTests { get; set; } = 1;

    public static int SnapshotVersion => SnapshotVersionForTests;

    public static JsonTypeInfo<CartState> SnapshotJson => CartJson.Default.CartState;

    public string? Customer { get; private set; }

    public int Gifts { get; private set; }

    /// <summary>How many events the Apply methods have seen on this instance (a snapshot carries it on).</summary>
    public int Applied { get; private set; }

    public IReadOnlyDictionary<string, int> Lines => _lines;

    public void Open(string customer)
    {
        if (Customer is not null)
        {
            throw new InvalidOperationException("The cart is open already.");
        }

        Raise(new CartOpened(customer));
    }

    public void Put(string sku, int quantity) => Raise(new ItemPut(sku, quantity));

    public void PutGift(string sku, string note) => Raise(new GiftPut(sku, 1, note));

    public void Take(string sku)
    {
        if (!_lines.ContainsKey(sku))
        {
            throw new InvalidOperationException($"No {sku} in the cart.");
        }

        Raise(new ItemTaken(Guid.NewGuid(), sku));
    }

#pragma warning disable ED0011 // On purpose: the tests show that an event without Apply is stored and passed over on load.
    public void View(string by) => Raise(new CartViewed(by));
#pragma warning restore ED0011

    public CartState TakeSnapshot() => new(Customer, new Dictionary<string, int>(_lines, StringComparer.Ordinal), Gifts, Applied);

    public void RestoreSnapshot(CartState snapshot)
    {
        Customer = snapshot.Customer;
        _lines = new Dictionary<string, int>(snapshot.Lines, StringComparer.Ordinal);
        Gifts = snapshot.Gifts;
        Applied = snapshot.Applied;
    }

    private void Apply(CartOpened e)
    {
        Customer = e.Customer;
        Applied++;
    }

    private void Apply(ItemPut e)
    {
        _lines[e.Sku] = _lines.GetValueOrDefault(e.Sku) + e.Quantity;
        Applied++;
    }

    private void Apply(GiftPut e)
    {
        _lines[e.Sku] = _lines.GetValueOrDefault(e.Sku) + e.Quantity;
        Gifts++;
        Applied++;
    }

    private void Apply(in ItemTaken e)
    {
        _lines.Remove(e.Sku);
        Applied++;
    }
}
