using System.Text.Json.Serialization;
using EventDriven.Serialization;
using EventDriven.Store;
using EventDriven.Tests.Fixtures;

namespace EventDriven.Tests.Store;

/// <summary>JSON metadata for the fixture events, from System.Text.Json's own generator, so these tests do not depend on ours.</summary>
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(PriceChanged))]
[JsonSerializable(typeof(CouponApplied))]
internal sealed partial class StoreTestJson : JsonSerializerContext
{
    public static JsonEventSerializer CreateSerializer()
        => new(new EventTypeRegistry([])
            .Add("OrderPlaced", 1, Default.OrderPlaced)
            .Add("PriceChanged", 1, Default.PriceChanged)
            .Add("CouponApplied", 1, Default.CouponApplied));

    public static InMemoryEventStore CreateStore(int maxEventSize = InMemoryEventStore.DefaultMaxEventSize)
        => new(CreateSerializer(), maxEventSize);
}
