using EventDriven.Store;

namespace EventDriven.Storage.Contracts;

/// <summary>An event of a stream (a cart): stored in the stream it names.</summary>
public sealed record ItemAdded(string StreamId, string Sku, int Quantity) : IStreamEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    public string EventType => "ItemAdded";
    public string Source => "Tests";
}

/// <summary>A second event type, for reads by type.</summary>
public sealed record CartCheckedOut(string CartId, decimal Total) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = new(2026, 11, 26, 10, 5, 0, TimeSpan.FromHours(2));
    public string EventType => "CartCheckedOut";
    public string Source => "Tests";
}

/// <summary>A payload of any size, to go over the store's limit.</summary>
public sealed record BlobAttached(string Data) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "BlobAttached";
    public string Source => "Tests";
}

/// <summary>Deliberately never registered and without JSON metadata: serializing it fails.</summary>
public sealed record NotRegistered(string Value) : IEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "NotRegistered";
    public string Source => "Tests";
}
