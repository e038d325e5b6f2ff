using EventDriven;

namespace EventDriven.Tests.Serialization;

public enum ShippingSpeed
{
    Standard,
    Express = 3,
}

public sealed record CartLine(string Sku, int Quantity, decimal UnitPrice, IReadOnlyList<string> Tags);

public readonly record struct Coordinates(double Latitude, double Longitude);

public sealed record DeliveryAddress(string Street, string? Apartment, Coordinates? Location);

/// <summary>A record event with nested records, lists, a dictionary, an enum, nullables and init properties with defaults.</summary>
[EventSchemaVersion(2)]
public sealed record CartCheckedOut(string CartId, IReadOnlyList<CartLine> Lines) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "CartCheckedOut";
    public string Source => "Tests.Serialization";
    public ShippingSpeed Speed { get; init; }
    public ShippingSpeed? RequestedSpeed { get; init; }
    public DeliveryAddress? Address { get; init; }
    public Dictionary<string, decimal> Discounts { get; init; } = [];
    public int? LoyaltyPoints { get; init; }
    public DateOnly? DeliverOn { get; init; }
}

/// <summary>A struct event: positional, with an enum and a nullable.</summary>
public readonly record struct ParcelScanned(Guid Id, DateTimeOffset OccurredAt, string Barcode, ShippingSpeed Speed, TimeSpan? Delay) : IEvent
{
    public string EventType => "ParcelScanned";
    public string Source => "Tests.Serialization";
}

/// <summary>A sealed class event with a constructor and an init property outside it.</summary>
public sealed class RefundIssued : IEvent
{
    public const string Name = "RefundIssued";

    public RefundIssued(Guid id, DateTimeOffset occurredAt, decimal amount, List<Guid> lineIds)
    {
        Id = id;
        OccurredAt = occurredAt;
        Amount = amount;
        LineIds = lineIds;
    }

    public Guid Id { get; }
    public DateTimeOffset OccurredAt { get; }
    public string EventType => Name;
    public string Source => "Tests.Serialization";
    public decimal Amount { get; }
    public List<Guid> LineIds { get; }
    public string? Reason { get; init; }
}

/// <summary>Handles the events above, so the generator puts them in this assembly's catalog.</summary>
[EventHandler(Idempotent = true)]
public sealed class SerializationEventsSink : IEventHandler<CartCheckedOut>, IEventHandler<ParcelScanned>, IEventHandler<RefundIssued>
{
    public ValueTask HandleAsync(CartCheckedOut @event, CancellationToken cancellationToken = default) => default;

    public ValueTask HandleAsync(ParcelScanned @event, CancellationToken cancellationToken = default) => default;

    public ValueTask HandleAsync(RefundIssued @event, CancellationToken cancellationToken = default) => default;
}
