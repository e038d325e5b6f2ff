using System.Diagnostics.Metrics;
using EventDriven.Projections;
using EventDriven.Store;
using EventDriven.Tests.Fixtures;
using EventDriven.Tests.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Tests.Projections;

public sealed class ProjectionRunnerTests
{
    [Fact]
    public async Task RunAsync_catches_up_then_looks_again_after_each_poll_interval_of_its_clock_and_stops_when_cancelled()
    {
        InMemoryEventStore inner = StoreTestJson.CreateStore();
        await AppendOrdersAsync(inner, 10);
        var store = new EmptyReadSignal(inner);
        var time = new FakeTimeProvider();
        var projection = new OrderCount();
        var runner = new ProjectionRunner<InMemoryProjectionWriter>(store, projection, new InMemoryProjectionCheckpoints(), new ProjectionRunnerOptions { PollInterval = TimeSpan.FromSeconds(5), TimeProvider = time });
        using var stop = new CancellationTokenSource();

        Task running = runner.RunAsync(stop.Token);
        await store.WaitForEmptyReadAsync(); // caught up: the next read waits for the poll interval
        Assert.Equal(10, projection.Count);
        await AppendOrdersAsync(inner, 5);
        Assert.Equal(10, projection.Count); // nothing new is read before the poll interval passes on the runner's clock

        // The runner may not have set its timer yet when the clock moves: move it again until the exact count is reached.
        Task reached = projection.WaitForAsync(15);
        while (!reached.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.WhenAny(reached, Task.Delay(20));
        }

        await reached;
        Assert.Equal(15, runner.Checkpoint);

        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.CatchUpAsync()); // one call at a time
        stop.Cancel();
        await running;
        Assert.Equal(15, projection.Count);
    }

    [Fact]
    public async Task Lag_is_what_the_store_holds_past_the_checkpoint_and_the_gauge_reports_it_per_projection()
    {
        InMemoryEventStore store = StoreTestJson.CreateStore();
        await AppendOrdersAsync(store, 12);
        var projection = new OrderCount { FailAt = 9 };
        var runner = new ProjectionRunner<InMemoryProjectionWriter>(store, projection, new InMemoryProjectionCheckpoints(), new ProjectionRunnerOptions { BatchSize = 4 });
        var gauge = new List<(long Value, object? Projection)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "eventdriven.projection.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => gauge.Add((value, tags.ToArray().Single(t => t.Key == "projection").Value)));
        listener.Start();

        await Assert.ThrowsAsync<ProjectionFailedException>(() => runner.CatchUpAsync());
        listener.RecordObservableInstruments();

        Assert.Equal(8, runner.Checkpoint);
        Assert.Equal(4, runner.Lag);
        Assert.Contains((4L, (object?)"order-count"), gauge);
    }

    [Fact]
    public async Task AddProjection_runs_the_projection_for_the_life_of_the_host()
    {
        InMemoryEventStore store = StoreTestJson.CreateStore();
        await AppendOrdersAsync(store, 20);
        var services = new ServiceCollection();
        services.AddSingleton<IEventStore>(store);
        services.AddProjection<OrderCount, InMemoryProjectionWriter>(o => o.BatchSize = 3);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService hosted = Assert.Single(provider.GetServices<IHostedService>());

        await hosted.StartAsync(CancellationToken.None);
        await provider.GetRequiredService<OrderCount>().WaitForAsync(20);
        await hosted.StopAsync(CancellationToken.None);

        IProjectionRunner runner = Assert.Single(provider.GetServices<IProjectionRunner>());
        Assert.Equal(20, runner.Checkpoint);
        Assert.Equal("order-count", runner.Name);
    }

    [Fact]
    public void A_projection_without_a_name_or_a_batch_size_out_of_range_is_refused_with_what_is_wrong()
    {
        InMemoryEventStore store = StoreTestJson.CreateStore();
        ArgumentException nameless = Assert.Throws<ArgumentException>(() => new ProjectionRunner<InMemoryProjectionWriter>(store, new OrderCount { ProjectionName = "" }, new InMemoryProjectionCheckpoints()));
        Assert.Contains("has no Name", nameless.Message);
        ArgumentOutOfRangeException batch = Assert.Throws<ArgumentOutOfRangeException>(() => new ProjectionRunner<InMemoryProjectionWriter>(store, new OrderCount(), new InMemoryProjectionCheckpoints(), new ProjectionRunnerOptions { BatchSize = 0 }));
        Assert.Equal("BatchSize", batch.ParamName);
    }

    private static async Task AppendOrdersAsync(InMemoryEventStore store, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await store.AppendAsync("orders", [new EventToAppend(new OrderPlaced(Guid.NewGuid()))], ExpectedVersion.Any);
        }
    }

    /// <summary>Signals the first read of the store that found nothing new: the runner has caught up.</summary>
    private sealed class EmptyReadSignal(InMemoryEventStore inner) : IEventStore
    {
        private readonly TaskCompletionSource _empty = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public EventDriven.Serialization.IEventSerializer Serializer => inner.Serializer;

        public Task WaitForEmptyReadAsync() => _empty.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public async IAsyncEnumerable<StoredEvent> ReadAllAsync(long afterPosition = 0, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            bool any = false;
            await foreach (StoredEvent stored in inner.ReadAllAsync(afterPosition, cancellationToken))
            {
                any = true;
                yield return stored;
            }

            if (!any)
            {
                _empty.TrySetResult();
            }
        }

        public ValueTask<AppendResult> AppendAsync(string streamId, IReadOnlyList<EventToAppend> events, ExpectedVersion expectedVersion, CancellationToken cancellationToken = default)
            => inner.AppendAsync(streamId, events, expectedVersion, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadStreamAsync(string streamId, long fromVersion = 0, CancellationToken cancellationToken = default) => inner.ReadStreamAsync(streamId, fromVersion, cancellationToken);

        public IAsyncEnumerable<StoredEvent> ReadByTypeAsync(string eventType, long afterPosition = 0, CancellationToken cancellationToken = default) => inner.ReadByTypeAsync(eventType, afterPosition, cancellationToken);

        public ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default) => inner.GetStreamVersionAsync(streamId, cancellationToken);

        public ValueTask<long> GetLastPositionAsync(CancellationToken cancellationToken = default) => inner.GetLastPositionAsync(cancellationToken);
    }

    /// <summary>Counts OrderPlaced events; waits are on that exact count.</summary>
    public sealed class OrderCount : IProjection<InMemoryProjectionWriter>
    {
        private readonly Lock _gate = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
        private int _count;

        public string ProjectionName { get; set; } = "order-count";

        public long FailAt { get; set; }

        public int Count => Volatile.Read(ref _count);

        public string Name => ProjectionName;

        public void Setup(InMemoryProjectionWriter writer)
        {
        }

        public void Apply(IEvent @event, StoredEvent stored, InMemoryProjectionWriter writer)
        {
            if (stored.Position == FailAt)
            {
                throw new InvalidOperationException("refused");
            }

            lock (_gate)
            {
                _count += @event is OrderPlaced ? 1 : 0;
                foreach ((int count, TaskCompletionSource reached) in _waiters)
                {
                    if (_count >= count)
                    {
                        reached.TrySetResult();
                    }
                }
            }
        }

        public void Reset(InMemoryProjectionWriter writer) => _count = 0;

        public Task WaitForAsync(int count)
        {
            lock (_gate)
            {
                if (_count >= count)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                return reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
    }
}
