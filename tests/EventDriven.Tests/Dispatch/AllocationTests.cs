using EventDriven.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

// The handlers complete synchronously, so GetResult never blocks; awaiting would measure the async machinery instead of the bus.
#pragma warning disable xUnit1031

namespace EventDriven.Tests.Dispatch;

/// <summary>
/// "Allocation-free" is a promise about the library, so it is checked exactly (bytes, not time): the thread's allocation counter
/// must not move across a million publishes once the route has been built.
/// </summary>
// With the tracing and metrics tests: a listener registered by any test is process-wide and would send these dispatches down the traced path.
[Collection(Ring.AllocationSensitive.Name)]
public sealed class AllocationTests
{
    private const int Dispatches = 1_000_000;

    [Fact]
    public void Publish_StructEventToSynchronousHandlers_AllocatesNothing()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        var @event = new PriceChanged(Guid.NewGuid(), 1m);
        Warm(bus, @event);

        long allocated = CollectionsHeldOff.AllocatedOnThisThreadBy(() => PublishMany(bus, @event));

        Assert.Equal(0, allocated);
        Assert.Equal(Dispatches + 10, services.GetRequiredService<Recorder>().Count);
    }

    [Fact]
    public void Publish_ClassEventToThreeSynchronousHandlers_AllocatesNothingBeyondTheEvent()
    {
        var services = new ServiceCollection();
        services.AddTestState();
        services.AddEventDriven(o => o.DispatchMode = DispatchMode.Inline);
        using ServiceProvider provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IEventBus>();
        var @event = new ThreeHandlerEvent();
        Warm(bus, @event);

        long allocated = CollectionsHeldOff.AllocatedOnThisThreadBy(() => PublishMany(bus, @event));

        Assert.Equal(0, allocated);
        Assert.Equal(3L * (Dispatches + 10), provider.GetRequiredService<Recorder>().Count);
    }

    [Fact]
    public void Publish_ThroughItsBaseClass_ToItsOwnAndInheritedHandlers_AllocatesNothing()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        CountedBase @event = new CountedDerived();
        Warm(bus, @event);

        long allocated = CollectionsHeldOff.AllocatedOnThisThreadBy(() => PublishMany(bus, @event));

        Assert.Equal(0, allocated);
        Assert.Equal(2L * (Dispatches + 10), services.GetRequiredService<Recorder>().Count);
    }

    [Fact]
    public void Publish_OfAnEventNobodyHandles_AsItselfOrThroughIEvent_AllocatesNothing()
    {
        using ServiceProvider services = TestBus.Create();
        var bus = services.GetRequiredService<IEventBus>();
        var @event = new NobodyListens(Guid.NewGuid());
        Warm(bus, @event);
        Warm<IEvent>(bus, @event);

        // Whether a base type's handlers would receive it is looked up, not rescanned: no list, no lock per publish.
        long allocated = CollectionsHeldOff.AllocatedOnThisThreadBy(() =>
        {
            PublishMany(bus, @event);
            PublishMany<IEvent>(bus, @event);
        });

        Assert.Equal(0, allocated);
    }

    private static void PublishMany<TEvent>(IEventBus bus, TEvent @event)
        where TEvent : IEvent
    {
        for (int i = 0; i < Dispatches; i++)
        {
            ValueTask publish = bus.PublishAsync(@event);
            publish.GetAwaiter().GetResult();
        }
    }

    private static void Warm<TEvent>(IEventBus bus, TEvent @event)
        where TEvent : IEvent
    {
        // Builds the routes, runs static constructors and lets tiered JIT settle the call sites.
        for (int i = 0; i < 10; i++)
        {
            bus.PublishAsync(@event).GetAwaiter().GetResult();
        }
    }
}

/// <summary>Published held as <see cref="CountedBase"/>: routed by its runtime type to its own handler and the base's.</summary>
public abstract class CountedBase : IEvent
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public abstract string EventType { get; }
    public string Source => "Tests";
}

public sealed class CountedDerived : CountedBase
{
    public override string EventType => "CountedDerived";
}

public sealed class ThreeHandlerEvent : IEvent
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "ThreeHandlerEvent";
    public string Source => "Tests";
}

#pragma warning disable ED0004 // Counting every call is what these fixtures are for: the tests assert how often handlers ran.
[EventHandler]
public sealed class CountingHandlerOne(Recorder recorder) : IEventHandler<ThreeHandlerEvent>
{
    public ValueTask HandleAsync(ThreeHandlerEvent @event, CancellationToken cancellationToken = default)
    {
        recorder.Count++;
        return default;
    }
}

[EventHandler]
public sealed class CountingHandlerTwo(Recorder recorder) : IEventHandler<ThreeHandlerEvent>
{
    public ValueTask HandleAsync(ThreeHandlerEvent @event, CancellationToken cancellationToken = default)
    {
        recorder.Count++;
        return default;
    }
}

[EventHandler]
public sealed class CountingHandlerThree(Recorder recorder) : IEventHandler<ThreeHandlerEvent>
{
    public ValueTask HandleAsync(ThreeHandlerEvent @event, CancellationToken cancellationToken = default)
    {
        recorder.Count++;
        return default;
    }
}
[EventHandler]
public sealed class CountingBaseHandler(Recorder recorder) : IEventHandler<CountedBase>
{
    public ValueTask HandleAsync(CountedBase @event, CancellationToken cancellationToken = default)
    {
        recorder.Count++;
        return default;
    }
}

[EventHandler]
public sealed class CountingDerivedHandler(Recorder recorder) : IEventHandler<CountedDerived>
{
    public ValueTask HandleAsync(CountedDerived @event, CancellationToken cancellationToken = default)
    {
        recorder.Count++;
        return default;
    }
}
#pragma warning restore ED0004
