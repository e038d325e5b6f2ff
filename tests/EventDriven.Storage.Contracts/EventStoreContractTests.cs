using EventDriven.Serialization;
using EventDriven.Store;
using static EventDriven.Storage.Contracts.StoreRead;

namespace EventDriven.Storage.Contracts;

/// <summary>
/// The <see cref="IEventStore"/> contract, written once and run against every store (<see cref="InMemoryEventStoreContractTests"/>,
/// <see cref="SqliteEventStoreContractTests"/>): versions, positions, optimistic concurrency, idempotency, atomicity, paging.
/// </summary>
public abstract class EventStoreContractTests(StoreFactory factory) : IAsyncLifetime
{
    private static readonly Guid s_causation = Guid.Parse("0f8f5f7e-8a57-4d3c-9a0a-1d4b2c3e4f50");
    private static readonly Guid s_correlation = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");

    protected IEventStore NewStore(IEventSerializer? serializer = null) => factory.Create(serializer);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task EmptyStore_HasNoEventsAndPositionZeroAndEveryStreamAtMinusOne()
    {
        IEventStore store = NewStore();

        Assert.Equal(0, await store.GetLastPositionAsync());
        Assert.Equal(-1, await store.GetStreamVersionAsync("cart-1"));
        Assert.Empty(await AllAsync(store.ReadAllAsync()));
        Assert.Empty(await AllAsync(store.ReadStreamAsync("cart-1")));
        Assert.Empty(await AllAsync(store.ReadByTypeAsync("ItemAdded")));
    }

    [Fact]
    public async Task Append_FirstEventOfAStream_IsVersionZeroAtPositionOne()
    {
        IEventStore store = NewStore();

        AppendResult result = await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.NoStream);

        Assert.Equal(new AppendResult(0, 1, 1, []).StreamVersion, result.StreamVersion);
        Assert.Equal(1, result.LastPosition);
        Assert.Equal(1, result.Appended);
        Assert.Empty(result.Duplicates);
        Assert.False(result.WasDuplicate);
        Assert.Equal(0, await store.GetStreamVersionAsync("cart-1"));
        Assert.Equal(1, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Append_ToSeveralStreams_GivesGapFreeVersionsPerStreamAndDensePositionsAcrossThem()
    {
        IEventStore store = NewStore();

        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1), new ItemAdded("cart-1", "B", 2)), ExpectedVersion.NoStream);
        await store.AppendAsync("cart-2", Items(new ItemAdded("cart-2", "C", 1)), ExpectedVersion.NoStream);
        AppendResult third = await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "D", 1)), ExpectedVersion.Exactly(1));

        Assert.Equal(2, third.StreamVersion);
        Assert.Equal(4, third.LastPosition);
        List<StoredEvent> all = await AllAsync(store.ReadAllAsync());
        Assert.Equal([1L, 2, 3, 4], all.Select(e => e.Position));
        Assert.Equal(["cart-1", "cart-1", "cart-2", "cart-1"], all.Select(e => e.StreamId));
        Assert.Equal([0L, 1, 0, 2], all.Select(e => e.StreamVersion));
        Assert.Equal([0L, 1, 2], (await AllAsync(store.ReadStreamAsync("cart-1"))).Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task Append_WithAStaleExpectedVersion_WritesNothingAndNamesStreamExpectedAndActual()
    {
        IEventStore store = NewStore();
        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1), new ItemAdded("cart-1", "B", 1)), ExpectedVersion.NoStream);

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(async () =>
            await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "C", 1), new ItemAdded("cart-1", "D", 1)), ExpectedVersion.Exactly(0)));

        Assert.Equal("cart-1", conflict.StreamId);
        Assert.Equal(ExpectedVersion.Exactly(0), conflict.Expected);
        Assert.Equal(1, conflict.ActualVersion);
        Assert.Contains("cart-1", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(2, await store.GetLastPositionAsync());
        Assert.Equal(1, await store.GetStreamVersionAsync("cart-1"));
    }

    [Fact]
    public async Task StreamVersion_OfAnEmptyStream_RoundTripsThroughExactly()
    {
        IEventStore store = NewStore();
        AppendResult empty = await store.AppendAsync("cart-1", Items(), ExpectedVersion.Any);

        Assert.Equal(-1, empty.StreamVersion);
        Assert.Equal(ExpectedVersion.NoStream, ExpectedVersion.Exactly(empty.StreamVersion));
        AppendResult first = await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.Exactly(empty.StreamVersion));
        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "B", 1)), ExpectedVersion.Exactly(first.StreamVersion));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedVersion.Exactly(-2));
    }

    [Fact]
    public async Task Append_NoStreamToAnExistingStream_Conflicts()
    {
        IEventStore store = NewStore();
        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.NoStream);

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(async () =>
            await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "B", 1)), ExpectedVersion.NoStream));

        Assert.Equal(0, conflict.ActualVersion);
        Assert.Equal(1, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Append_ExactlyToAMissingStream_ConflictsWithActualMinusOne()
    {
        IEventStore store = NewStore();

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(async () =>
            await store.AppendAsync("cart-9", Items(new ItemAdded("cart-9", "A", 1)), ExpectedVersion.Exactly(3)));

        Assert.Equal(-1, conflict.ActualVersion);
        Assert.Equal(0, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Append_WithAny_AppendsWhateverTheVersion()
    {
        IEventStore store = NewStore();
        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.Any);

        AppendResult result = await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "B", 1)), ExpectedVersion.Any);

        Assert.Equal(1, result.StreamVersion);
    }

    [Fact]
    public async Task Append_RetriedWithTheSameIds_WritesNothingReportsDuplicatesAndSkipsTheVersionCheck()
    {
        IEventStore store = NewStore();
        EventToAppend[] batch = Items(new ItemAdded("cart-1", "A", 1), new ItemAdded("cart-1", "B", 1));
        AppendResult first = await store.AppendAsync("cart-1", batch, ExpectedVersion.NoStream);

        // The acknowledgement was lost; the caller retries with the same expected version, which is now stale.
        AppendResult retry = await store.AppendAsync("cart-1", batch, ExpectedVersion.NoStream);

        Assert.True(retry.WasDuplicate);
        Assert.Equal(0, retry.Appended);
        Assert.Equal(batch.Select(b => b.Event.Id), retry.Duplicates);
        Assert.Equal(first.StreamVersion, retry.StreamVersion);
        Assert.Equal(first.LastPosition, retry.LastPosition);
        Assert.Equal(2, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Append_SingleEventRetried_IsADuplicateEvenWithAStaleVersion()
    {
        IEventStore store = NewStore();
        var added = new ItemAdded("cart-1", "A", 1);
        await store.AppendAsync("cart-1", Items(added), ExpectedVersion.NoStream);
        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "B", 1)), ExpectedVersion.Exactly(0));

        AppendResult retry = await store.AppendAsync("cart-1", Items(added), ExpectedVersion.NoStream);
        AppendResult retryAny = await store.AppendAsync("cart-1", Items(added), ExpectedVersion.Any);

        Assert.True(retry.WasDuplicate);
        Assert.Equal([added.Id], retry.Duplicates);
        Assert.Equal(1, retry.StreamVersion);
        Assert.Equal(2, retry.LastPosition);
        Assert.True(retryAny.WasDuplicate);
        Assert.Equal(2, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Append_MixOfStoredAndNewIds_WritesOnlyTheNewOnesAndChecksTheVersion()
    {
        IEventStore store = NewStore();
        var stored = new ItemAdded("cart-1", "A", 1);
        await store.AppendAsync("cart-1", Items(stored), ExpectedVersion.NoStream);
        var fresh = new ItemAdded("cart-1", "B", 1);

        await Assert.ThrowsAsync<ConcurrencyException>(async () => await store.AppendAsync("cart-1", Items(stored, fresh), ExpectedVersion.NoStream));
        AppendResult result = await store.AppendAsync("cart-1", Items(stored, fresh), ExpectedVersion.Exactly(0));

        Assert.Equal(1, result.Appended);
        Assert.Equal([stored.Id], result.Duplicates);
        Assert.False(result.WasDuplicate);
        Assert.Equal(1, result.StreamVersion);
        Assert.Equal([stored.Id, fresh.Id], (await AllAsync(store.ReadAllAsync())).Select(e => e.EventId));
    }

    [Fact]
    public async Task Append_AnIdRepeatedWithinOneAppend_IsStoredOnce()
    {
        IEventStore store = NewStore();
        var added = new ItemAdded("cart-1", "A", 1);

        AppendResult result = await store.AppendAsync("cart-1", Items(added, added, new ItemAdded("cart-1", "B", 1)), ExpectedVersion.NoStream);

        Assert.Equal(2, result.Appended);
        Assert.Equal([added.Id], result.Duplicates);
        Assert.Equal([0L, 1], (await AllAsync(store.ReadStreamAsync("cart-1"))).Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task Append_AnIdStoredInAnotherStream_IsADuplicate()
    {
        IEventStore store = NewStore();
        var added = new ItemAdded("cart-1", "A", 1);
        await store.AppendAsync("cart-1", Items(added), ExpectedVersion.Any);

        AppendResult result = await store.AppendAsync("cart-2", Items(added), ExpectedVersion.Any);

        Assert.True(result.WasDuplicate);
        Assert.Equal(-1, result.StreamVersion);
        Assert.Equal(-1, await store.GetStreamVersionAsync("cart-2"));
    }

    [Fact]
    public async Task Append_OfNothing_ReportsTheStreamAsItIs()
    {
        IEventStore store = NewStore();
        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1), new ItemAdded("cart-1", "B", 1)), ExpectedVersion.Any);

        AppendResult result = await store.AppendAsync("cart-1", [], ExpectedVersion.NoStream);

        Assert.Equal(1, result.StreamVersion);
        Assert.Equal(2, result.LastPosition);
        Assert.Equal(0, result.Appended);
        Assert.False(result.WasDuplicate);
    }

    [Fact]
    public async Task Append_WithAnOversizedEvent_ThrowsAndWritesNothingOfThatAppend()
    {
        IEventStore store = NewStore();
        var small = new ItemAdded("cart-1", "A", 1);
        var large = new BlobAttached(new string('x', StoreFactory.SmallMaxEventSize + 1));

        var tooLarge = await Assert.ThrowsAsync<EventTooLargeException>(async () => await store.AppendAsync("cart-1", Items(small, large), ExpectedVersion.Any));

        Assert.Equal(large.Id, tooLarge.EventId);
        Assert.Equal("BlobAttached", tooLarge.EventType);
        Assert.Equal(StoreFactory.SmallMaxEventSize, tooLarge.Limit);
        Assert.True(tooLarge.Size > tooLarge.Limit);
        Assert.Equal(0, await store.GetLastPositionAsync());
        AppendResult after = await store.AppendAsync("cart-1", Items(small), ExpectedVersion.NoStream);
        Assert.Equal(1, after.Appended);
    }

    [Fact]
    public async Task Append_WithAnEventThatCannotBeSerialized_ThrowsAndWritesNothingOfThatAppend()
    {
        IEventStore store = NewStore();

        await Assert.ThrowsAsync<EventSerializationException>(async () =>
            await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1), new NotRegistered("?")), ExpectedVersion.Any));

        Assert.Equal(0, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Append_WithACancelledToken_WritesNothing()
    {
        IEventStore store = NewStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.Any, cancelled.Token));

        Assert.Equal(0, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Append_WithBadArguments_ThrowsArgumentExceptions()
    {
        IEventStore store = NewStore();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.AppendAsync("", Items(new ItemAdded("x", "A", 1)), ExpectedVersion.Any));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.AppendAsync("cart-1", null!, ExpectedVersion.Any));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.AppendAsync("cart-1", [default], ExpectedVersion.Any));
        Assert.Equal(0, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task StoredEvent_KeepsEveryFieldAndDeserializesToAnEqualEvent()
    {
        IEventStore store = NewStore();
        var checkedOut = new CartCheckedOut("cart-1", 12.5m);

        await store.AppendAsync("cart-1", [new EventToAppend(checkedOut, s_causation, s_correlation, """{"tenant":"t1"}""")], ExpectedVersion.NoStream);

        StoredEvent stored = Assert.Single(await AllAsync(store.ReadStreamAsync("cart-1")));
        Assert.Equal(checkedOut.Id, stored.EventId);
        Assert.Equal("CartCheckedOut", stored.EventType);
        Assert.Equal(2, stored.SchemaVersion);
        Assert.Equal(checkedOut.OccurredAt, stored.OccurredAt);
        Assert.Equal(s_causation, stored.CausationId);
        Assert.Equal(s_correlation, stored.CorrelationId);
        Assert.Equal("""{"tenant":"t1"}""", stored.Metadata);
        Assert.Equal(checkedOut, store.Serializer.Deserialize(stored));
    }

    [Fact]
    public async Task StoredEvent_WithoutCausationCorrelationOrMetadata_ReadsThemAsNull()
    {
        IEventStore store = NewStore();

        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.Any);

        StoredEvent stored = Assert.Single(await AllAsync(store.ReadAllAsync()));
        Assert.Null(stored.CausationId);
        Assert.Null(stored.CorrelationId);
        Assert.Null(stored.Metadata);
    }

    [Fact]
    public async Task ReadStream_FromVersion_IsInclusiveAndPagesThroughLongStreams()
    {
        IEventStore store = NewStore();
        await AppendItemsAsync(store, "cart-1", 30);
        await AppendItemsAsync(store, "cart-2", 5);

        List<StoredEvent> fromTen = await AllAsync(store.ReadStreamAsync("cart-1", fromVersion: 10));

        Assert.Equal(Enumerable.Range(10, 20).Select(v => (long)v), fromTen.Select(e => e.StreamVersion));
        Assert.All(fromTen, e => Assert.Equal("cart-1", e.StreamId));
        Assert.Empty(await AllAsync(store.ReadStreamAsync("cart-1", fromVersion: 30)));
        Assert.Single(await AllAsync(store.ReadStreamAsync("cart-1", fromVersion: 29)));
    }

    [Fact]
    public async Task ReadAll_AfterPosition_IsExclusiveAndPagesThroughTheStore()
    {
        IEventStore store = NewStore();
        await AppendItemsAsync(store, "cart-1", 25);
        await AppendItemsAsync(store, "cart-2", 25);

        Assert.Equal(Enumerable.Range(1, 50).Select(p => (long)p), (await AllAsync(store.ReadAllAsync())).Select(e => e.Position));
        Assert.Equal(Enumerable.Range(15, 36).Select(p => (long)p), (await AllAsync(store.ReadAllAsync(afterPosition: 14))).Select(e => e.Position));
        Assert.Empty(await AllAsync(store.ReadAllAsync(afterPosition: 50)));
    }

    [Fact]
    public async Task ReadByType_ReturnsOnlyThatTypeAfterThePositionInPositionOrder()
    {
        IEventStore store = NewStore();
        for (int i = 0; i < 20; i++)
        {
            await store.AppendAsync("cart-" + i, Items(new ItemAdded("cart-" + i, "A", i), new CartCheckedOut("cart-" + i, i)), ExpectedVersion.NoStream);
        }

        List<StoredEvent> checkouts = await AllAsync(store.ReadByTypeAsync("CartCheckedOut"));
        List<StoredEvent> laterCheckouts = await AllAsync(store.ReadByTypeAsync("CartCheckedOut", afterPosition: 20));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => 2L * i), checkouts.Select(e => e.Position));
        Assert.All(checkouts, e => Assert.Equal("CartCheckedOut", e.EventType));
        Assert.Equal(Enumerable.Range(11, 10).Select(i => 2L * i), laterCheckouts.Select(e => e.Position));
        Assert.Empty(await AllAsync(store.ReadByTypeAsync("NoSuchType")));
    }

    [Fact]
    public async Task Read_WhileAppending_SeesACommittedPrefixWithoutGaps()
    {
        IEventStore store = NewStore();
        await AppendItemsAsync(store, "cart-1", 20);
        long lastSeen = 0;

        await foreach (StoredEvent stored in store.ReadAllAsync())
        {
            Assert.Equal(lastSeen + 1, stored.Position);
            lastSeen = stored.Position;
            if (stored.Position == 3)
            {
                await store.AppendAsync("cart-2", Items(new ItemAdded("cart-2", "late", 1)), ExpectedVersion.Any);
            }
        }

        Assert.True(lastSeen >= 20);
        Assert.Equal(21, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Read_WithBadArguments_Throws()
    {
        IEventStore store = NewStore();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await AllAsync(store.ReadStreamAsync("")));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await AllAsync(store.ReadStreamAsync("cart-1", -1)));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await AllAsync(store.ReadAllAsync(-1)));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await AllAsync(store.ReadByTypeAsync("")));
    }

    [Fact]
    public async Task Read_WithACancelledToken_StopsWithCancellation()
    {
        IEventStore store = NewStore();
        await AppendItemsAsync(store, "cart-1", 3);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await AllAsync(store.ReadAllAsync(0, cancelled.Token)));
    }

    [Fact]
    public async Task Extensions_SaveGetAndGetByType_WorkOverTheStore()
    {
        IEventStore store = NewStore();
        var added = new ItemAdded("cart-1", "A", 1);
        var checkedOut = new CartCheckedOut("cart-1", 3m);

        await store.SaveEventAsync(added);
        await store.SaveEventAsync(added);
        await store.SaveEventAsync(checkedOut);

        Assert.Equal([added], await store.GetEventsAsync("cart-1"));
        Assert.Equal([checkedOut], await store.GetEventsAsync("$type-CartCheckedOut"));
        Assert.Equal([checkedOut], await store.GetEventsByTypeAsync("CartCheckedOut"));
        Assert.Equal(2, await store.GetLastPositionAsync());
    }

    private static async Task AppendItemsAsync(IEventStore store, string streamId, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await store.AppendAsync(streamId, Items(new ItemAdded(streamId, "sku-" + i, i)), ExpectedVersion.Any);
        }
    }
}
