using System.Diagnostics.Metrics;
using EventDriven.Diagnostics;
using EventDriven.Reliability;
using EventDriven.Store;
using EventDriven.Tests.Fixtures;
using EventDriven.Tests.Inbox;
using EventDriven.Tests.Store;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Diagnostics;

/// <summary>
/// The bus's counts have one home, <see cref="IEventBus.Counters"/>: the meter observes the same numbers, and inbox marks are
/// counted per inbox, not per process.
/// </summary>
[Collection(Ring.AllocationSensitive.Name)] // the MeterListener is process-wide
public sealed class BusCountersTests
{
    [Fact]
    public async Task Meter_ObservesTheSameNumbersAsTheCountersSnapshot()
    {
        object? scope = null; // this test's meter factory: other tests' buses report on meters of the same name in parallel
        var observed = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EventDriven")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (scope is not null && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                lock (observed)
                {
                    observed[instrument.Name] = value;
                }
            }
        });
        listener.Start();

        var services = new ServiceCollection().AddTestState();
        services.AddMetrics();
        services.AddSingleton<IEventStore>(StoreTestJson.CreateStore());
        services.AddEventDriven(o =>
        {
            o.DispatchMode = DispatchMode.RingBuffer;
            o.RingBufferCapacity = 1024;
            o.EventStorage = EventStorage.BeforeDispatch;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        scope = provider.GetRequiredService<IMeterFactory>();
        var bus = provider.GetRequiredService<EventBus>();
        for (int i = 0; i < 25; i++)
        {
            await bus.PublishAsync(new OrderPlaced(Guid.NewGuid()));
        }

        await bus.StopAsync();
        EventBusCounters counters = bus.Counters;
        listener.RecordObservableInstruments();

        Assert.Equal(50, counters.Stored); // each OrderPlaced and the PriceChanged its handler publishes
        Assert.Equal(0, counters.QueueDepth);
        Assert.Equal(counters, ((IEventBus)bus).Counters);
        lock (observed)
        {
            Assert.Equal(counters.Stored, observed.GetValueOrDefault("eventdriven.events.stored", -1));
            Assert.Equal(counters.StoreRejected, observed.GetValueOrDefault("eventdriven.events.store_rejected", -1));
            Assert.Equal(counters.Abandoned, observed.GetValueOrDefault("eventdriven.events.abandoned", -1));
            Assert.Equal(counters.ConsumerFaults, observed.GetValueOrDefault("eventdriven.consumer.faults", -1));
            Assert.Equal(counters.InboxMarkFailures, observed.GetValueOrDefault("eventdriven.inbox.mark_failures", -1));
            Assert.Equal(counters.InboxMarksInFlight, observed.GetValueOrDefault("eventdriven.inbox.marks_in_flight", -1));
        }
    }

    [Fact]
    public async Task InboxMarks_AreCountedPerInbox_InFlightUntilConfirmed_ThenFailedWhenTheMarkFails()
    {
        var gated = new GatedInbox();
        await using ServiceProvider withGate = CreateInline(gated);
        await using ServiceProvider other = CreateInline(new InMemoryInbox());
        var busWithGate = withGate.GetRequiredService<EventBus>();
        var otherBus = other.GetRequiredService<EventBus>();

        await busWithGate.PublishAsync(new PaymentCaptured(Guid.NewGuid(), 1m));
        await otherBus.PublishAsync(new PaymentCaptured(Guid.NewGuid(), 2m));

        Assert.Equal((1L, 0L), (busWithGate.Counters.InboxMarksInFlight, busWithGate.Counters.InboxMarkFailures));
        Assert.Equal((0L, 0L), (otherBus.Counters.InboxMarksInFlight, otherBus.Counters.InboxMarkFailures));

        gated.FailPendingMark(new InvalidOperationException("inbox table is locked"));

        Assert.Equal((0L, 1L), (busWithGate.Counters.InboxMarksInFlight, busWithGate.Counters.InboxMarkFailures));
        Assert.Equal((0L, 0L), (otherBus.Counters.InboxMarksInFlight, otherBus.Counters.InboxMarkFailures));
    }

    private static ServiceProvider CreateInline(IInbox inbox)
    {
        var services = new ServiceCollection();
        services.AddSingleton(inbox);
        services.AddTestState();
        services.AddEventDriven(o => o.DispatchMode = DispatchMode.Inline);
        return services.BuildServiceProvider();
    }

    /// <summary>An inbox whose one mark stays pending until the test fails it: the mark is in flight exactly as long as the test says.</summary>
    private sealed class GatedInbox : IInbox
    {
        // Continuations run on the completing thread (no RunContinuationsAsynchronously): the tracker has seen the failure when
        // FailPendingMark returns.
        private readonly TaskCompletionSource<bool> _mark = new();

        public ValueTask<bool> HasProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default) => new(false);

        public ValueTask<bool> MarkProcessedAsync(string consumer, Guid eventId, CancellationToken cancellationToken = default) => new(_mark.Task);

        public ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => new(0);

        public void FailPendingMark(Exception failure) => _mark.SetException(failure);
    }
}
