using System.Security.Cryptography;
using System.Text;
using EventDriven.Serialization;
using EventDriven.Store;
using EventDriven.Tests.Fixtures;

namespace EventDriven.Tests.Store;

public sealed class EventReplayTests
{
    [Fact]
    public async Task Replaying_the_store_twice_into_fresh_projections_gives_the_same_state()
    {
        InMemoryEventStore store = StoreTestJson.CreateStore();
        var random = new Random(7);
        var orders = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToArray();
        for (int i = 0; i < 400; i++)
        {
            Guid order = orders[random.Next(orders.Length)];
            IEvent @event = random.Next(3) == 0 ? new OrderPlaced(order) : new PriceChanged(Guid.NewGuid(), random.Next(1, 1000));
            await store.AppendAsync("order-" + order, [@event], ExpectedVersion.Any);
        }

        string first = await RebuildAsync(store);
        string second = await RebuildAsync(store);

        Assert.Equal(first, second);
        Assert.NotEqual(await RebuildAsync(new InMemoryEventStore(store.Serializer)), first); // the hash does depend on the events
    }

    [Fact]
    public async Task Unreadable_events_and_throwing_handlers_are_reported_and_the_replay_goes_on()
    {
        var registry = new EventTypeRegistry([]).Add("OrderPlaced", 1, StoreTestJson.Default.OrderPlaced).Add("PriceChanged", 1, StoreTestJson.Default.PriceChanged);
        var store = new InMemoryEventStore(new JsonEventSerializer(registry));
        await store.AppendAsync("s", [new OrderPlaced(Guid.NewGuid())], ExpectedVersion.Any);
        await store.AppendAsync("s", [new PriceChanged(Guid.NewGuid(), 13m)], ExpectedVersion.Any); // the handler throws on 13
        await store.AppendAsync("s", [new OrderPlaced(Guid.NewGuid())], ExpectedVersion.Any);
        List<StoredEvent> rows = [];
        await foreach (StoredEvent row in store.ReadAllAsync())
        {
            rows.Add(row);
        }

        // A row whose type is no longer known and a row with a broken payload, between readable ones.
        IAsyncEnumerable<StoredEvent> source = new[]
        {
            rows[0],
            rows[0] with { Position = 10, EventType = "OrderPlacedV0" },
            rows[1],
            rows[2] with { Position = 11, EventId = Guid.NewGuid(), Payload = "{\"OrderId\": 42"u8.ToArray() },
            rows[2],
        }.ToAsyncEnumerable();

        var seen = new List<Guid>();
        ReplayResult result = await new EventReplay(store.Serializer)
            .Handle<OrderPlaced>(new Collect<OrderPlaced>(seen))
            .Handle<PriceChanged>(new Collect<PriceChanged>(seen))
            .RunAsync(source);

        Assert.Equal([rows[0].EventId, rows[2].EventId], seen); // rows[1] threw
        Assert.Equal(3, result.Replayed);
        Assert.Collection(
            result.Unreadable,
            e => Assert.IsType<UnknownEventTypeException>(e),
            e => Assert.IsType<CorruptEventPayloadException>(e));
        ReplayFailure failure = Assert.Single(result.Failures);
        Assert.Equal(rows[1].EventId, failure.Stored.EventId);
        Assert.Equal(rows[2].Position, result.LastPosition);
    }

    private static async Task<string> RebuildAsync(IEventStore store)
    {
        var projection = new OrderProjection();
        ReplayResult result = await new EventReplay(store.Serializer)
            .Handle<OrderPlaced>(projection)
            .Handle<PriceChanged>(projection)
            .RunAsync(store.ReadAllAsync());
        Assert.Empty(result.Unreadable);
        return projection.Hash();
    }

    private sealed class OrderProjection : IEventHandler<OrderPlaced>, IEventHandler<PriceChanged>
    {
        private readonly SortedDictionary<Guid, int> _placed = [];
        private decimal _priceTotal;
        private int _prices;

        public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
        {
            _placed[@event.OrderId] = _placed.GetValueOrDefault(@event.OrderId) + 1;
            return default;
        }

        public ValueTask HandleAsync(PriceChanged @event, CancellationToken cancellationToken = default)
        {
            _priceTotal += @event.Price;
            _prices++;
            return default;
        }

        public string Hash()
        {
            var text = new StringBuilder();
            foreach ((Guid order, int count) in _placed)
            {
                text.Append(order).Append('=').Append(count).Append(';');
            }

            text.Append(_priceTotal).Append('/').Append(_prices);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
    }

#pragma warning disable ED0005 // A test probe: the ids it keeps are what the test asserts, not a deduplication.
    private sealed class Collect<TEvent>(List<Guid> seen) : IEventHandler<TEvent>
        where TEvent : IEvent
    {
        public ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default)
        {
            if (@event is PriceChanged { Price: 13m })
            {
                throw new InvalidOperationException("unlucky price");
            }

            seen.Add(@event.Id);
            return default;
        }
    }
#pragma warning restore ED0005
}
