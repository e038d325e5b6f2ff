using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Ring;

/// <summary>Exact allocation checks on both sides of the ring. In the same collection as the metrics test: a listener would enable tags.</summary>
[Collection(AllocationSensitive.Name)]
public sealed class RingAllocationTests
{
    [Fact]
    public async Task Consumer_DispatchingAMillionStructEvents_AllocatesNothing()
    {
        // Measured after a warm-up that the consumer has drained. The test project compiles without tiers, so no late tier-up or
        // on-stack replacement can run on the consumer thread inside the window; collections are held off across it.
        const int From = 100_000;
        const int To = From + 1_000_000;
        await using ServiceProvider services = TestBus.CreateRing(o =>
        {
            o.WaitStrategy = WaitStrategy.BusySpin;

            // Large enough that the producer never waits for space: waking a waiting producer is the one path that allocates on the
            // consumer (its awaitable's continuation), and it belongs to backpressure, not to dispatch.
            o.RingBufferCapacity = 1 << 21;
        });
        var bus = services.GetRequiredService<EventBus>();
        var log = services.GetRequiredService<TickLog>();
        log.MeasureFrom = From;
        log.MeasureTo = To;
        TickStruct[] chunk = new TickStruct[4096];

        bool warmedUp = false;
        CollectionsHeldOff? heldOff = null; // over the measured window, which the consumer thread reads at its two ends
        for (int published = 0; published <= To; published += chunk.Length)
        {
            if (!warmedUp && published + chunk.Length > From)
            {
                // Everything before the measured window is handled (an exact condition: the ring's depth).
                SpinWait.SpinUntil(() => bus.Counters.QueueDepth == 0, TimeSpan.FromSeconds(30));
                warmedUp = true;
                heldOff = new CollectionsHeldOff();
            }

            for (int i = 0; i < chunk.Length; i++)
            {
                chunk[i] = new TickStruct(0, published + i, Guid.Empty);
            }

            await bus.PublishBatchAsync<TickStruct>(chunk);
        }

        await bus.StopAsync();
        using (heldOff)
        {
            heldOff!.AssertNoCollectionRan();
        }

        Assert.Equal(log.ThreadBefore, log.ThreadAfter);
        Assert.True(log.AllocatedBefore > 0);
        Assert.Equal(0, log.AllocatedAfter - log.AllocatedBefore);
    }

    [Fact]
    public async Task Producer_PublishingAMillionStructEventsIntoTheRing_AllocatesNothing()
    {
        const int Count = 1_000_000;
        await using ServiceProvider services = TestBus.CreateRing(o => { o.RingBufferCapacity = 1 << 21; o.WaitStrategy = WaitStrategy.BusySpin; }); // never full: the wait path may allocate; busy consumer keeps up
        var bus = services.GetRequiredService<EventBus>();
        services.GetRequiredService<TickLog>().MeasureFrom = int.MaxValue; // the handler records nothing
        var @event = new TickStruct(0, 1, Guid.Empty);
        await bus.PublishAsync(@event); // builds the routes and starts the consumer

        long allocated = WarmThenMeasure(bus, @event, Count);
        await bus.StopAsync();
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// Warms up and measures on one thread (an await in between could resume elsewhere, where first use of thread-static state
    /// allocates). No pause is needed between them: the test project compiles without tiers, so nothing is recompiled later.
    /// </summary>
    private static long WarmThenMeasure(EventBus bus, TickStruct @event, int count)
    {
        PublishMany(bus, @event, 100_000);
        return PublishMany(bus, @event, count);
    }

    /// <summary>Synchronous on purpose: the ring is never full, so every publish completes at once.</summary>
    private static long PublishMany(EventBus bus, TickStruct @event, int count)
    {
        return CollectionsHeldOff.AllocatedOnThisThreadBy(() =>
        {
            for (int i = 0; i < count; i++)
            {
                ValueTask publish = bus.PublishAsync(@event);
                if (!publish.IsCompletedSuccessfully)
                {
                    throw new InvalidOperationException("The ring filled up; the test needs a larger ring.");
                }
            }
        });
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationSensitive
{
    public const string Name = "Allocation-sensitive";
}
