using System.Text;
using EventDriven.Aggregates;
using EventDriven.Store;
using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Aggregates;

public sealed class AggregateRepositoryTests
{
    [Fact]
    public async Task Raised_events_are_applied_at_once_saved_with_the_loaded_version_and_loaded_back_into_the_same_state()
    {
        var store = new InMemoryEventStore();
        var repository = new AggregateRepository(store);

        Cart cart = await repository.LoadAsync<Cart>("cart-1");
        Assert.False(cart.Exists);
        Assert.Equal(-1, cart.Version);
        cart.Open("ada");
        cart.Put("apple", 2);
        cart.PutGift("pear", "happy birthday");
        cart.Put("apple", 1);
        cart.View("support");
        cart.Take("pear");

        // Applied as raised: the command methods can check the state the earlier events made.
        Assert.Equal(new Dictionary<string, int> { ["apple"] = 3 }, cart.Lines);
        Assert.Equal(6, cart.PendingEvents.Count);
        Assert.Equal(-1, cart.Version);

        AppendResult result = await repository.SaveAsync(cart);
        Assert.Equal(6, result.Appended);
        Assert.Equal(5, result.StreamVersion);
        Assert.Equal(5, cart.Version);
        Assert.Empty(cart.PendingEvents);

        Cart loaded = await repository.LoadAsync<Cart>("cart-1");
        Assert.True(loaded.Exists);
        Assert.Equal(5, loaded.Version);
        Assert.Equal("ada", loaded.Customer);
        Assert.Equal(cart.Lines, loaded.Lines);
        Assert.Equal(1, loaded.Gifts); // GiftPut reached its own Apply, not ItemPut's
        Assert.Equal(5, loaded.Applied); // CartViewed has no Apply: loading passes over it
        Assert.Empty(loaded.PendingEvents);

        List<StoredEvent> stream = await ToListAsync(store.ReadStreamAsync("cart-1"));
        Assert.Equal(["CartOpened", "ItemPut", "GiftPut", "ItemPut", "CartViewed", "ItemTaken"], stream.Select(e => e.EventType));
    }

    [Fact]
    public async Task A_save_after_someone_else_saved_the_same_aggregate_writes_nothing_and_throws_a_concurrency_error()
    {
        var store = new InMemoryEventStore();
        var repository = new AggregateRepository(store);
        Cart first = await repository.LoadAsync<Cart>("cart-2");
        first.Open("ada");
        await repository.SaveAsync(first);

        Cart mine = await repository.LoadAsync<Cart>("cart-2");
        Cart theirs = await repository.LoadAsync<Cart>("cart-2");
        theirs.Put("plum", 1);
        await repository.SaveAsync(theirs);

        mine.Put("fig", 4);
        ConcurrencyException error = await Assert.ThrowsAsync<ConcurrencyException>(() => repository.SaveAsync(mine).AsTask());
        Assert.Equal("cart-2", error.StreamId);
        Assert.Equal(ExpectedVersion.Exactly(0), error.Expected);
        Assert.Equal(1, error.ActualVersion);
        Assert.Single(mine.PendingEvents); // kept: nothing was written
        Assert.Equal(1, await store.GetStreamVersionAsync("cart-2"));
    }

    [Fact]
    public async Task UpdateAsync_decides_again_on_a_fresh_load_when_a_concurrent_save_wins_and_gives_up_after_its_attempts()
    {
        var store = new InMemoryEventStore();
        var repository = new AggregateRepository(store);
        await repository.UpdateAsync<Cart>("cart-3", c => c.Open("ada"));

        // The first decision is overtaken by a save made while it ran; the second one sees that save and wins.
        int decisions = 0;
        Cart saved = await repository.UpdateAsync<Cart>("cart-3", cart =>
        {
            decisions++;
            if (decisions == 1)
            {
                repository.UpdateAsync<Cart>("cart-3", c => c.Put("rival", 1)).AsTask().GetAwaiter().GetResult();
            }

            cart.Put("mine", cart.Lines.Count);
        });

        Assert.Equal(2, decisions);
        Assert.Equal(new Dictionary<string, int> { ["rival"] = 1, ["mine"] = 1 }, (await repository.LoadAsync<Cart>("cart-3")).Lines);
        Assert.Equal(2, saved.Version);

        int attempts = 0;
        await Assert.ThrowsAsync<ConcurrencyException>(() => repository.UpdateAsync<Cart>("cart-3", cart =>
        {
            attempts++;
            repository.UpdateAsync<Cart>("cart-3", c => c.Put("rival", 1)).AsTask().GetAwaiter().GetResult();
            cart.Put("never", 1);
        }, maxAttempts: 2).AsTask());
        Assert.Equal(2, attempts);
        Assert.DoesNotContain("never", (await repository.LoadAsync<Cart>("cart-3")).Lines.Keys);
    }

    [Fact]
    public async Task Saved_events_carry_the_causation_of_the_handler_that_saved_them_and_a_save_with_nothing_pending_writes_nothing()
    {
        var store = new InMemoryEventStore();
        var repository = new AggregateRepository(store);
        Cart cart = await repository.LoadAsync<Cart>("cart-4");
        cart.Open("ada");
        await repository.SaveAsync(cart);

        AppendResult nothing = await repository.SaveAsync(cart);
        Assert.Equal(0, nothing.Appended);
        Assert.Equal(0, nothing.StreamVersion);

        StoredEvent stored = Assert.Single(await ToListAsync(store.ReadStreamAsync("cart-4")));
        Assert.Null(stored.CausationId); // saved outside a handler: it starts its own flow
        Assert.Equal(stored.EventId, stored.CorrelationId);
    }

    [Fact]
    public async Task Every_fifth_event_a_snapshot_is_kept_and_loading_applies_only_the_events_after_it()
    {
        var store = new InMemoryEventStore();
        var snapshots = new InMemorySnapshotStore();
        var repository = new AggregateRepository(store, new AggregateRepositoryOptions { Snapshots = snapshots });
        Cart cart = await repository.LoadAsync<Cart>("cart-5");
        cart.Open("ada");
        cart.Put("a", 1);
        cart.Put("b", 1);
        await repository.SaveAsync(cart); // versions 0-2: no snapshot yet
        Assert.Null(await snapshots.LoadAsync("cart-5"));

        cart.Put("c", 1);
        cart.Put("d", 1);
        cart.Put("e", 1);
        await repository.SaveAsync(cart); // versions 3-5: the 5th event (version 4) was crossed
        AggregateSnapshot snapshot = (await snapshots.LoadAsync("cart-5"))!;
        Assert.Equal(5, snapshot.StreamVersion);
        Assert.Equal(typeof(Cart).FullName, snapshot.AggregateType);

        cart.Put("f", 1);
        await repository.SaveAsync(cart);
        Cart loaded = await repository.LoadAsync<Cart>("cart-5");
        Assert.Equal(6, loaded.Version);
        Assert.Equal(cart.Lines, loaded.Lines);
        // The snapshot carried Applied = 6 from the instance that took it; one more event was applied after it.
        Assert.Equal(7, loaded.Applied);
        Assert.Equal(cart.Applied, loaded.Applied);
    }

    [Fact]
    public async Task A_snapshot_of_another_schema_version_or_an_unreadable_one_is_ignored_and_the_stream_is_read_whole()
    {
        var store = new InMemoryEventStore();
        var snapshots = new InMemorySnapshotStore();
        var repository = new AggregateRepository(store, new AggregateRepositoryOptions { Snapshots = snapshots });
        Cart cart = await repository.LoadAsync<Cart>("cart-6");
        cart.Open("ada");
        for (int i = 0; i < 4; i++)
        {
            cart.Put("sku" + i, 1);
        }

        await repository.SaveAsync(cart);
        Assert.Equal(4, (await snapshots.LoadAsync("cart-6"))!.StreamVersion);

        // A snapshot whose state says something the events do not: if it were used, the load would show it.
        await snapshots.SaveAsync(new AggregateSnapshot("cart-6", typeof(Cart).FullName!, 1, 10, Encoding.UTF8.GetBytes("""{"Customer":"forged","Lines":{},"Gifts":0,"Applied":0}"""), DateTimeOffset.UnixEpoch));
        try
        {
            Cart.SnapshotVersionForTests = 2;
            Cart reloaded = await repository.LoadAsync<Cart>("cart-6");
            Assert.Equal("ada", reloaded.Customer);
            Assert.Equal(5, reloaded.Applied);
            Assert.Equal(4, reloaded.Version);
        }
        finally
        {
            Cart.SnapshotVersionForTests = 1;
        }

        await snapshots.SaveAsync(new AggregateSnapshot("cart-6", typeof(Cart).FullName!, 1, 11, Encoding.UTF8.GetBytes("{not json"), DateTimeOffset.UnixEpoch));
        Cart fromEvents = await repository.LoadAsync<Cart>("cart-6");
        Assert.Equal("ada", fromEvents.Customer);
        Assert.Equal(5, fromEvents.Applied);
    }

    [Theory]
    [InlineData(EventStorage.None)]
    [InlineData(EventStorage.BeforeDispatch)]
    public async Task Saved_events_are_published_by_their_runtime_type_after_the_append_and_a_storing_bus_does_not_store_them_again(EventStorage storage)
    {
        var store = new InMemoryEventStore();
        var services = new ServiceCollection().AddTestState();
        services.AddSingleton<IEventStore>(store);
        services.AddEventDriven(o =>
        {
            o.DispatchMode = DispatchMode.Inline;
            o.EventStorage = storage;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IEventBus>();
        var seen = new StoredWhenSeen(store);
        using IDisposable subscription = bus.Subscribe<CartOpened>(seen);
        var repository = new AggregateRepository(store, new AggregateRepositoryOptions { Bus = bus, PublishSavedEvents = true });

        Cart cart = await repository.LoadAsync<Cart>("cart-7");
        cart.Open("ada");
        cart.Put("apple", 1);
        await repository.SaveAsync(cart);

        Assert.Equal([true], seen.StoredWhenHandled);
        Assert.Equal(2, await store.GetLastPositionAsync()); // once each, in the cart's stream
        Assert.Equal(2, (await ToListAsync(store.ReadStreamAsync("cart-7"))).Count);
    }

    [Fact]
    public void Publishing_without_a_bus_is_refused_when_the_repository_is_made()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new AggregateRepository(new InMemoryEventStore(), new AggregateRepositoryOptions { PublishSavedEvents = true }));
        Assert.Contains("no Bus is given", error.Message);
    }

    [Theory]
    [InlineData(0, -1, 4, false)]
    [InlineData(5, -1, 3, false)]
    [InlineData(5, -1, 4, true)]
    [InlineData(5, 3, 4, true)]
    [InlineData(5, 4, 8, false)]
    [InlineData(5, 4, 9, true)]
    [InlineData(5, 2, 20, true)]
    public void A_snapshot_is_due_when_a_save_crosses_a_multiple_of_the_cadence(int every, long before, long after, bool due)
        => Assert.Equal(due, AggregateRepository.SnapshotDue(every, before, after));

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        List<T> list = [];
        await foreach (T item in source)
        {
            list.Add(item);
        }

        return list;
    }

    private sealed class StoredWhenSeen(IEventStore store) : IEventHandler<CartOpened>
    {
        public List<bool> StoredWhenHandled { get; } = [];

        public async ValueTask HandleAsync(CartOpened @event, CancellationToken cancellationToken = default)
        {
            long version = await store.GetStreamVersionAsync("cart-7", cancellationToken);
            StoredWhenHandled.Add(version >= 1);
        }
    }
}
