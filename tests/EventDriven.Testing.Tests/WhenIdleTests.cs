using EventDriven.Reliability;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Testing.Tests;

/// <summary>
/// The idle decision is exact: in each case the work is held open by a gate or the fake clock, the harness is asked once and must say
/// "not idle" (a test that fails if it returned early), then the work is released and <c>WhenIdleAsync</c> returns with it done.
/// </summary>
public sealed class WhenIdleTests
{
    [Fact]
    public async Task NothingPublished_IsIdleAtOnce()
    {
        await using var host = new HarnessHost();

        Assert.True(await host.Harness.IsIdleAsync());
        await host.Harness.WhenIdleAsync();
    }

    [Theory]
    [InlineData(DispatchMode.RingBuffer)]
    [InlineData(DispatchMode.Inline)]
    public async Task ASlowAsyncHandler_AndTheFollowUpItPublishesAfterAnAwait_AreWaitedFor(DispatchMode mode)
    {
        await using var host = new HarnessHost(o => o.DispatchMode = mode);
        var step = new SlowStep("a");

        ValueTask publish = host.Bus.PublishAsync(step); // inline: runs the handler up to its gate, on this thread
        Assert.False(await host.Harness.IsIdleAsync());

        host.Get<Gates>().Open("a");
        await publish;
        await host.Harness.WhenIdleAsync();

        StepDone done = host.Harness.Single<StepDone>();
        Assert.Equal([done], host.Harness.HandledBy<StepDone>(typeof(StepDoneRecorder)));
        Assert.Equal([step], host.Harness.HandledBy<SlowStep>(typeof(GatedStep)));
        Assert.Equal([("SlowStep", 0, Guid.Empty), ("StepDone", 1, step.Id)], host.Harness.Trace(step.Id).Select(static t => (t.Event.EventType, t.Depth, t.CauseId)));
    }

    [Fact]
    public async Task ARetryInBackOff_OnTheFakeClock_IsWaitedFor_AndTheRetryIsRecorded()
    {
        var clock = new FakeTimeProvider();
        await using var host = new HarnessHost(clock: clock);
        var flaky = new Flaky(1);
        Attempts attempts = host.Get<Attempts>();

        await host.Bus.PublishAsync(flaky);
        await attempts.FirstFailure.Task;
        Assert.False(await host.Harness.IsIdleAsync()); // the retry waits 10 s on the fake clock: no wall-clock time will end it

        while (attempts.Of(flaky.Id) < 2)
        {
            clock.Advance(TimeSpan.FromSeconds(10)); // until the back-off's timer exists and fires: an exact condition, not a guess
            await Task.Yield();
        }

        await host.Harness.WhenIdleAsync();
        HandlerRun run = Assert.Single(host.Harness.Failed);
        Assert.Equal((flaky.Id, "EventDriven.Testing.Tests.FlakyHandler"), (run.EventId, run.HandlerName));
        Assert.Contains("first attempt at flaky #1 fails", run.Error, StringComparison.Ordinal);
        Assert.Empty(host.Harness.DeadLettered);
    }

    [Fact]
    public async Task AHandlerThatKeepsFailing_IsDeadLettered_AndTheHarnessRecordsTheLetter()
    {
        var clock = new FakeTimeProvider();
        await using var host = new HarnessHost(clock: clock);
        var doomed = new Flaky(-1);

        await host.Bus.PublishAsync(doomed);
        while (host.Harness.DeadLettered.Count == 0)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            await Task.Yield();
        }

        await host.Harness.WhenIdleAsync();
        DeadLetter letter = Assert.Single(host.Harness.DeadLettered);
        Assert.Equal((doomed.Id, 3), (letter.Event.Id, letter.Attempts));
    }

    [Fact]
    public async Task ASagaTimeoutDueOnTheClock_IsFiredByTheHarness_AndWhatItPublishesIsHandled()
    {
        var clock = new ManualClock(); // its timers never fire: only the harness can fire the due timeout
        await using var host = new HarnessHost(clock: clock);
        var late = new Reserved(Guid.NewGuid());
        var paid = new Reserved(Guid.NewGuid());
        await host.Bus.PublishAsync(late);
        await host.Bus.PublishAsync(paid);
        await host.Bus.PublishAsync(new Paid(paid.ReservationId));
        await host.Harness.WhenIdleAsync();
        host.Harness.None<ReservationExpired>();

        clock.Now += ReservationSaga.PaymentTimeout;
        await host.Harness.WhenIdleAsync();

        ReservationExpired expired = host.Harness.Single<ReservationExpired>();
        Assert.Equal(late.ReservationId, expired.ReservationId);
        Assert.Equal([expired], host.Harness.HandledBy<ReservationExpired>(typeof(ExpiredRecorder)));
    }

    [Fact]
    public async Task ASagaTimeoutFiredByTheFakeClocksTimer_IsWaitedFor()
    {
        var clock = new FakeTimeProvider();
        await using var host = new HarnessHost(clock: clock);
        var reserved = new Reserved(Guid.NewGuid());
        await host.Bus.PublishAsync(reserved);
        await host.Harness.WhenIdleAsync();

        clock.Advance(ReservationSaga.PaymentTimeout); // the timer starts a pass here; what it publishes may still be on its way

        await host.Harness.WhenIdleAsync();
        Assert.Equal(reserved.ReservationId, Assert.Single(host.Harness.HandledBy<ReservationExpired>(typeof(ExpiredRecorder))).ReservationId);
    }

    [Fact]
    public async Task AStoreAndPublishBatchBeingCommitted_IsWaitedFor()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new GatedEventStore(gate);
        await using var host = new HarnessHost(o => o.EventStorage = EventStorage.BeforeDispatch, services: s => s.AddSingleton<IEventStore>(store));
        var submitted = new OrderSubmitted(Guid.NewGuid(), 10m);

        await host.Bus.PublishAsync(submitted);
        Assert.False(await host.Harness.IsIdleAsync());

        gate.SetResult();
        await host.Harness.WhenIdleAsync();

        Assert.Equal(0, store.AppendsWaiting);
        Assert.Equal(2, await store.GetLastPositionAsync()); // the order and the follow-up its handler published, both stored
        Assert.Equal(submitted.OrderId, host.Harness.Single<OrderValidated>().OrderId);
        Assert.Single(host.Harness.HandledBy<OrderValidated>(typeof(ValidatedOrders)));
    }

    [Fact]
    public async Task WorkThatNeverFinishes_TimesOut_NamingTheRunningHandlerAndItsEvent()
    {
        await using var host = new HarnessHost();
        var stuck = new SlowStep("never");
        await host.Bus.PublishAsync(stuck);

        BusNotIdleException thrown = await Assert.ThrowsAsync<BusNotIdleException>(() => host.Harness.WhenIdleAsync(TimeSpan.FromMilliseconds(200)));

        Assert.Contains("not idle after 0.2 s", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("1 events queued or being handled on the ring", thrown.Message, StringComparison.Ordinal);
        Assert.Contains($"running: EventDriven.Testing.Tests.GatedStep on SlowStep {stuck.Id}", thrown.Message, StringComparison.Ordinal);
        host.Get<Gates>().Open("never");
        await host.Harness.WhenIdleAsync();
    }
}
