using EventDriven.Projections;
using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Storage.Contracts;

/// <summary>
/// What every projection backend (checkpoints committed with the read model's writes) must do, run unchanged against each: catch-up in
/// batches with every event applied once, resuming from the checkpoint, a failing batch that commits nothing, two runners of one
/// projection that never apply a batch twice, a rebuild from position 0, and unreadable events that stop or are passed over.
/// </summary>
public abstract class ProjectionContractTests(ProjectionFixture fixture) : IAsyncLifetime
{
    private static readonly ProjectionRunnerOptions SmallBatches = new() { BatchSize = 7 };

    protected ProjectionFixture Fixture => fixture;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await fixture.DisposeAsync();

    [Fact]
    public async Task Catch_up_applies_every_event_once_in_batches_and_a_restarted_runner_applies_only_what_came_after_its_checkpoint()
    {
        // CartCheckedOut events between them are stored too, and ignored by the projection.
        List<(long, ItemAdded)> written = await AppendAsync(40, carts: 3);
        IProjectionRunner runner = fixture.CreateRunner(SmallBatches);

        long applied = await runner.CatchUpAsync();

        long head = await fixture.Store.GetLastPositionAsync();
        Assert.Equal(head, applied);
        Assert.Equal(head, runner.Checkpoint);
        Assert.Equal(0, runner.Lag);
        QuantitiesReadModel.Expected(written).AssertEqual(await fixture.ReadAsync());

        written.AddRange(await AppendAsync(15, carts: 2, prefix: "late"));
        IProjectionRunner restarted = fixture.CreateRunner(SmallBatches);
        long more = await restarted.CatchUpAsync();

        Assert.Equal(await fixture.Store.GetLastPositionAsync() - head, more);
        QuantitiesReadModel.Expected(written).AssertEqual(await fixture.ReadAsync());
        Assert.Equal(0, await restarted.CatchUpAsync()); // nothing new: nothing applied, nothing written
    }

    [Fact]
    public async Task An_apply_that_throws_commits_nothing_of_its_batch_names_the_position_and_the_checkpoint_stays_before_the_batch()
    {
        List<(long Position, ItemAdded Event)> written = await AppendAsync(30, carts: 2);
        IProjectionRunner failing = fixture.CreateRunner(SmallBatches, failAtPosition: 20);

        ProjectionFailedException failure = await Assert.ThrowsAsync<ProjectionFailedException>(() => failing.CatchUpAsync());

        Assert.Equal(20, failure.Position);
        Assert.Equal("quantities", failure.Projection);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        long batchStart = written.First(w => w.Position >= 15).Position; // batches of 7: 1-7, 8-14, 15-21
        Assert.Equal(14, failing.Checkpoint);
        Assert.Equal(written[^1].Position - 14, failing.Lag);
        if (!fixture.ReadModelIsTransactional)
        {
            return;
        }

        QuantitiesReadModel.Expected(written.Where(w => w.Position < batchStart)).AssertEqual(await fixture.ReadAsync());
        IProjectionRunner healthy = fixture.CreateRunner(SmallBatches);
        await healthy.CatchUpAsync();
        QuantitiesReadModel.Expected(written).AssertEqual(await fixture.ReadAsync());
    }

    [Fact]
    public async Task Two_runners_of_one_projection_catching_up_together_apply_every_event_exactly_once()
    {
        List<(long, ItemAdded)> written = await AppendAsync(300, carts: 5);
        IProjectionRunner first = fixture.CreateRunner(SmallBatches);
        IProjectionRunner second = fixture.CreateRunner(SmallBatches);

        long[] applied = await Task.WhenAll(Task.Run(() => first.CatchUpAsync()), Task.Run(() => second.CatchUpAsync()));

        Assert.Equal(await fixture.Store.GetLastPositionAsync(), applied.Sum());
        QuantitiesReadModel.Expected(written).AssertEqual(await fixture.ReadAsync());
    }

    [Fact]
    public async Task A_rebuild_empties_the_read_model_and_applies_every_event_again_from_position_zero()
    {
        List<(long, ItemAdded)> written = await AppendAsync(25, carts: 3);
        IProjectionRunner runner = fixture.CreateRunner(SmallBatches);
        await runner.CatchUpAsync();

        long rebuilt = await runner.RebuildAsync();

        long head = await fixture.Store.GetLastPositionAsync();
        Assert.Equal(head, rebuilt);
        Assert.Equal(2 * head, runner.Applied);
        QuantitiesReadModel.Expected(written).AssertEqual(await fixture.ReadAsync());
    }

    [Fact]
    public async Task Projections_of_different_names_keep_their_own_checkpoints()
    {
        List<(long, ItemAdded)> written = await AppendAsync(10, carts: 1);
        await fixture.CreateRunner(SmallBatches, "first").CatchUpAsync();
        long firstHead = await fixture.Store.GetLastPositionAsync();
        written.AddRange(await AppendAsync(5, carts: 1, prefix: "more"));
        long head = await fixture.Store.GetLastPositionAsync();
        IProjectionRunner second = fixture.CreateRunner(SmallBatches, "second");

        Assert.Equal(head, await second.CatchUpAsync());
        Assert.Equal(head - firstHead, await fixture.CreateRunner(SmallBatches, "first").CatchUpAsync());
        QuantitiesReadModel.Expected(written).AssertEqual(await fixture.ReadAsync("first"));
        QuantitiesReadModel.Expected(written).AssertEqual(await fixture.ReadAsync("second"));
    }

    [Fact]
    public async Task An_unreadable_event_stops_the_projection_naming_its_position_unless_it_is_told_to_pass_over_it()
    {
        List<(long Position, ItemAdded Event)> before = await AppendAsync(5, carts: 1);
        AppendResult blob = await fixture.Store.AppendAsync("blobs", [new EventToAppend(new BlobAttached("x"))], ExpectedVersion.Any);
        List<(long Position, ItemAdded Event)> after = await AppendAsync(5, carts: 1, prefix: "after");
        // A reader that does not know BlobAttached (a type renamed or removed since it was stored).
        var narrow = new JsonEventSerializer(new EventTypeRegistry([]).Add("ItemAdded", 1, TestJsonContext.Default.ItemAdded).Add("CartCheckedOut", 2, TestJsonContext.Default.CartCheckedOut));
        IEventStore narrowStore = fixture.OpenStore(narrow);

        ProjectionFailedException failure = await Assert.ThrowsAsync<ProjectionFailedException>(
            () => fixture.CreateRunner(new ProjectionRunnerOptions { BatchSize = 100 }, store: narrowStore).CatchUpAsync());
        Assert.Equal(blob.LastPosition, failure.Position);
        Assert.Equal("BlobAttached", failure.EventType);
        Assert.IsType<UnknownEventTypeException>(failure.InnerException);

        IProjectionRunner skipping = fixture.CreateRunner(new ProjectionRunnerOptions { BatchSize = 100, SkipUnreadableEvents = true }, store: narrowStore);
        await skipping.CatchUpAsync();
        Assert.Equal(1, skipping.Skipped);
        Assert.Equal(await narrowStore.GetLastPositionAsync() - 1, skipping.Applied);
        Assert.Equal(await narrowStore.GetLastPositionAsync(), skipping.Checkpoint);
        QuantitiesReadModel.Expected(before.Concat(after)).AssertEqual(await fixture.ReadAsync());
    }

    /// <summary>Appends <paramref name="count"/> ItemAdded events over <paramref name="carts"/> carts, with a CartCheckedOut after every fourth.</summary>
    protected async Task<List<(long Position, ItemAdded Event)>> AppendAsync(int count, int carts, string prefix = "cart")
    {
        List<(long, ItemAdded)> written = [];
        for (int i = 0; i < count; i++)
        {
            var added = new ItemAdded($"{prefix}-{i % carts}", "sku-" + i, i % 9 + 1);
            AppendResult result = await fixture.Store.AppendAsync(added.StreamId, [new EventToAppend(added)], ExpectedVersion.Any);
            written.Add((result.LastPosition, added));
            if (i % 4 == 3)
            {
                await fixture.Store.AppendAsync("checkouts", [new EventToAppend(new CartCheckedOut(added.StreamId, 10m))], ExpectedVersion.Any);
            }
        }

        return written;
    }
}
