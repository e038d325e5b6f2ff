using System.Text;
using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Tests.Serialization;

/// <summary>
/// Events of this assembly go through <c>new JsonEventSerializer()</c>, whose default registry holds only the catalogs the generated
/// module initializers registered: no reflection, no hand-written context.
/// </summary>
public sealed class GeneratedCatalogRoundTripTests
{
    private static readonly DateTimeOffset s_at = new(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(1));

    [Fact]
    public void Catalog_OfThisAssembly_IsRegisteredWithTheConstantNamesAndSchemaVersions()
    {
        EventTypeDescriptor[] descriptors = [.. EventTypeCatalogs.All.SelectMany(static c => c.EventTypes)];

        Assert.Contains(new EventTypeDescriptor(typeof(CartCheckedOut), "CartCheckedOut", 2), descriptors);
        Assert.Contains(new EventTypeDescriptor(typeof(ParcelScanned), "ParcelScanned", 1), descriptors);
        Assert.Contains(new EventTypeDescriptor(typeof(RefundIssued), "RefundIssued", 1), descriptors);
    }

    [Fact]
    public void RecordEvent_WithNestedListsEnumsAndNullables_RoundTripsEqual()
    {
        var serializer = new JsonEventSerializer();
        var original = new CartCheckedOut("cart-1", [new CartLine("SKU-1", 2, 9.95m, ["gift", "fragile"]), new CartLine("SKU-2", 1, 100m, [])])
        {
            Id = Guid.NewGuid(),
            OccurredAt = s_at,
            Speed = ShippingSpeed.Express,
            RequestedSpeed = null,
            Address = new DeliveryAddress("1 Main St", null, new Coordinates(51.5, -0.12)),
            Discounts = new Dictionary<string, decimal> { ["SPRING"] = 5m },
            LoyaltyPoints = 120,
            DeliverOn = new DateOnly(2025, 3, 10),
        };

        SerializedEvent serialized = serializer.Serialize(original);
        var copy = Assert.IsType<CartCheckedOut>(serializer.Deserialize(Stored(serialized, original)));

        Assert.Equal("CartCheckedOut", serialized.EventType);
        Assert.Equal(2, serialized.SchemaVersion);
        Assert.Equal(original.Id, copy.Id);
        Assert.Equal(original.OccurredAt, copy.OccurredAt);
        Assert.Equal(original.Speed, copy.Speed);
        Assert.Null(copy.RequestedSpeed);
        Assert.Equal(original.Address, copy.Address);
        Assert.Equal(original.Discounts, copy.Discounts);
        Assert.Equal(original.LoyaltyPoints, copy.LoyaltyPoints);
        Assert.Equal(original.DeliverOn, copy.DeliverOn);
        Assert.Equal(original.Lines.Count, copy.Lines.Count);
        for (int i = 0; i < original.Lines.Count; i++)
        {
            Assert.Equal((original.Lines[i].Sku, original.Lines[i].Quantity, original.Lines[i].UnitPrice), (copy.Lines[i].Sku, copy.Lines[i].Quantity, copy.Lines[i].UnitPrice));
            Assert.Equal(original.Lines[i].Tags, copy.Lines[i].Tags);
        }

        // Enums are numbers, as System.Text.Json writes them by default.
        Assert.Contains("\"Speed\":3", Encoding.UTF8.GetString(serialized.Payload), StringComparison.Ordinal);
    }

    [Fact]
    public void StructEvent_RoundTripsEqual()
    {
        var serializer = new JsonEventSerializer();
        var original = new ParcelScanned(Guid.NewGuid(), s_at, "BC-42", ShippingSpeed.Standard, TimeSpan.FromMinutes(5));

        SerializedEvent serialized = serializer.Serialize(original);

        Assert.Equal(original, Assert.IsType<ParcelScanned>(serializer.Deserialize(Stored(serialized, original))));
        Assert.Equal("ParcelScanned", serialized.EventType);
    }

    [Fact]
    public void ClassEvent_WithConstructorAndAnInitProperty_RoundTripsEqual()
    {
        var serializer = new JsonEventSerializer();
        var original = new RefundIssued(Guid.NewGuid(), s_at, 12.5m, [Guid.NewGuid(), Guid.NewGuid()]) { Reason = "damaged" };

        SerializedEvent serialized = serializer.Serialize(original);
        var copy = Assert.IsType<RefundIssued>(serializer.Deserialize(Stored(serialized, original)));

        Assert.Equal((original.Id, original.OccurredAt, original.Amount, original.Reason), (copy.Id, copy.OccurredAt, copy.Amount, copy.Reason));
        Assert.Equal(original.LineIds, copy.LineIds);
    }

    [Fact]
    public void StoredName_OfAFreshSerializer_ReadsBackWithoutHavingWrittenThatTypeFirst()
    {
        // The constant name comes from the generated descriptor, so a reader that never serialized the type can still map the row.
        var writer = new JsonEventSerializer();
        var original = new ParcelScanned(Guid.NewGuid(), s_at, "BC-7", ShippingSpeed.Express, null);
        StoredEvent stored = Stored(writer.Serialize(original), original);

        var reader = new JsonEventSerializer();

        Assert.Contains("ParcelScanned", reader.Registry.EventTypeNames);
        Assert.Equal(original, reader.Deserialize(stored));
    }

    private static StoredEvent Stored(SerializedEvent serialized, IEvent @event)
        => new(1, "stream-1", 0, @event.Id, serialized.EventType, serialized.SchemaVersion, @event.OccurredAt, null, null, null, serialized.Payload);
}
