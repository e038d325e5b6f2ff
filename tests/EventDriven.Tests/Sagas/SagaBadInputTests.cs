using System.Text;
using EventDriven.Sagas;
using Microsoft.Extensions.Logging;

namespace EventDriven.Tests.Sagas;

public sealed class SagaBadInputTests
{
    private readonly InMemorySagaStore _store = new();
    private readonly RecordingBus _bus = new();

    [Fact]
    public async Task OrphanEvent_ByDefault_IsIgnoredCountedAndLogged()
    {
        var logger = new ListLogger();
        await using var runtime = new SagaRuntime<TestSagaState>(TestSaga.Define(), SagaTestJsonContext.Default.TestSagaState, _store, _bus, logger: logger);
        Guid order = Guid.NewGuid();

        await runtime.HandleAsync(new StockReserved(order));

        Assert.Equal(1, runtime.Counts.OrphanEvents);
        Assert.Null(await runtime.GetAsync(order));
        Assert.Equal(0, _store.Count);
        string warning = Assert.Single(logger.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal));
        Assert.Contains(order.ToString(), warning, StringComparison.Ordinal);

        await runtime.HandleAsync(new OrderOpened(order, 1m)); // a late start still starts
        Assert.Equal(SagaStatus.Running, (await runtime.GetAsync(order))!.Status);
    }

    [Fact]
    public async Task OrphanEvent_WithThrowPolicy_ThrowsSagaNotStartedNamingTheEvent()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, configure: o => o.OrphanEvents = SagaOrphanEventBehavior.Throw);
        var reserved = new StockReserved(Guid.NewGuid());

        var exception = await Assert.ThrowsAsync<SagaNotStartedException>(() => runtime.HandleAsync(reserved).AsTask());

        Assert.Equal("TestSaga", exception.SagaType);
        Assert.Equal(reserved.Id, exception.EventId);
        Assert.Equal("StockReserved", exception.EventType);
        Assert.Equal(1, runtime.Counts.OrphanEvents);
    }

    [Fact]
    public async Task UndeclaredEventType_ThrowsNamingSagaAndType()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.HandleAsync(new CouponRedeemed(Guid.NewGuid())).AsTask());

        Assert.Contains("TestSaga", exception.Message, StringComparison.Ordinal);
        Assert.Contains("CouponRedeemed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptStoredState_FailsThatInstanceOnlyWithATypedError()
    {
        Guid broken = Guid.NewGuid();
        Guid healthy = Guid.NewGuid();
        await _store.SaveAsync(new SagaRecord("TestSaga", broken.ToString("D"), 3, SagaStatus.Running, Encoding.UTF8.GetBytes("{\"v\":1,\"state\":{\"Amount\":\"not a number\"}}"), null, DateTimeOffset.UnixEpoch), 0);
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);

        var exception = await Assert.ThrowsAsync<SagaStateException>(() => runtime.HandleAsync(new StockReserved(broken)).AsTask());
        await runtime.HandleAsync(new OrderOpened(healthy, 1m));
        await runtime.HandleAsync(new StockReserved(healthy));

        Assert.Equal("TestSaga", exception.SagaType);
        Assert.Equal(broken.ToString("D"), exception.CorrelationId);
        Assert.Equal(3, exception.Revision);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(exception.InnerException);
        Assert.Equal(3, (await _store.LoadAsync("TestSaga", broken.ToString("D")))!.Revision); // left for repair
        Assert.Equal(["OrderOpened", "StockReserved"], (await runtime.GetAsync(healthy))!.State.Seen);
        await Assert.ThrowsAsync<SagaStateException>(() => runtime.HandleAsync(new StockReserved(broken)).AsTask()); // still typed, not cached as empty
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"v\":1,\"steps\":[\"A\"]}")]
    [InlineData("{\"v\":1,\"handled\":[\"not-a-guid\"],\"state\":{}}")]
    [InlineData("{\"v\":1,\"state\":null}")]
    public async Task UnreadableDocuments_AllGiveSagaStateException(string document)
    {
        await _store.SaveAsync(new SagaRecord("TestSaga", "x", 1, SagaStatus.Running, Encoding.UTF8.GetBytes(document), null, DateTimeOffset.UnixEpoch), 0);
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);

        await Assert.ThrowsAsync<SagaStateException>(() => runtime.GetAsync("x").AsTask());
    }

    [Fact]
    public void Definition_WithoutAStart_OrDeclaringAnEventTwice_IsRejected()
    {
        var noStart = new SagaDefinition<TestSagaState>("NoStart").Step<StockReserved>(e => e.OrderId, (s, e, c) => ValueTask.CompletedTask);
        var exception = Assert.Throws<InvalidOperationException>(() => TestSaga.CreateRuntime(_store, _bus, definition: noStart));
        Assert.Contains("StartsWith", exception.Message, StringComparison.Ordinal);

        var twice = Assert.Throws<InvalidOperationException>(() => TestSaga.Define().CompleteOn<StockReserved>(e => e.OrderId));
        Assert.Contains("StockReserved", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyCorrelationId_ThrowsNamingTheEvent()
    {
        var definition = new SagaDefinition<TestSagaState>("Empty").StartsWith<OrderOpened>(e => "", (s, e, c) => ValueTask.CompletedTask);
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus, definition: definition);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.HandleAsync(new OrderOpened(Guid.NewGuid(), 1m)).AsTask());
        Assert.Contains("OrderOpened", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASaveConflict_IsReportedAndTheNextEventReloadsTheStoredInstance()
    {
        await using SagaRuntime<TestSagaState> runtime = TestSaga.CreateRuntime(_store, _bus);
        Guid order = Guid.NewGuid();
        await runtime.HandleAsync(new OrderOpened(order, 1m));
        SagaRecord stored = (await _store.LoadAsync("TestSaga", order.ToString("D")))!;
        // Another process moves the instance on behind this runtime's back.
        await using (SagaRuntime<TestSagaState> other = TestSaga.CreateRuntime(_store, _bus))
        {
            await other.HandleAsync(new StockReserved(order));
        }

        var charged = new CardCharged(order);
        await Assert.ThrowsAsync<SagaConcurrencyException>(() => runtime.HandleAsync(charged).AsTask());
        await runtime.HandleAsync(charged); // the redelivery runs on the reloaded instance

        Assert.Equal(1, runtime.Counts.SaveFailures);
        Assert.Equal(["OrderOpened", "StockReserved", "CardCharged"], (await runtime.GetAsync(order))!.State.Seen);
        Assert.Equal(stored.Revision + 2, (await runtime.GetAsync(order))!.Revision);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TScope>(TScope state)
            where TScope : notnull
            => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TStateOfLog>(LogLevel logLevel, EventId eventId, TStateOfLog state, Exception? exception, Func<TStateOfLog, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(logLevel + ": " + formatter(state, exception));
            }
        }
    }
}
