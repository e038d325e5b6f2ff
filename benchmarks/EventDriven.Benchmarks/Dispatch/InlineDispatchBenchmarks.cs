using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using EventDriven.Benchmarks.Baselines;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Benchmarks.Dispatch;

/// <summary>
/// Inline publish of one event to three synchronous handlers: generated dispatch against a hand-written call (the floor) and the
/// reflection bus (what we replace). Allocation is part of the result: the target is 0 B for class and struct events.
/// </summary>
[MemoryDiagnoser]
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The reflection bus is the baseline being measured.")]
public class InlineDispatchBenchmarks
{
    private readonly OrderPlaced _order = new();
    private readonly PriceChanged _price = new(Guid.NewGuid(), 5);
    private ServiceProvider _services = null!;
    private IEventBus _bus = null!;
    private HandWrittenDispatch _handWritten = null!;
    private ReflectionEventBus _reflection = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Sink>();
        services.AddSingleton<Ring.RingSink>(); // The ring benchmarks' handlers are in this assembly's dispatch table too.
        services.AddSingleton<Ring.LaneSinks>();
        services.AddSingleton<Peers.PeerSink>();
        services.AddEventDriven(o => o.DispatchMode = DispatchMode.Inline);
        _services = services.BuildServiceProvider();
        _bus = _services.GetRequiredService<IEventBus>();
        var a = _services.GetRequiredService<HandlerA>();
        var b = _services.GetRequiredService<HandlerB>();
        var c = _services.GetRequiredService<HandlerC>();
        _handWritten = new HandWrittenDispatch(a, b, c);
        _reflection = new ReflectionEventBus();
        _reflection.Subscribe<OrderPlaced>(a);
        _reflection.Subscribe<OrderPlaced>(b);
        _reflection.Subscribe<OrderPlaced>(c);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "Hand-written calls, class event")]
    [BenchmarkCategory("Class")]
    public ValueTask HandWritten_Class() => _handWritten.Publish(_order);

    [Benchmark(Description = "EventDriven generated, class event")]
    [BenchmarkCategory("Class")]
    public ValueTask EventDriven_Class() => _bus.PublishAsync(_order);

    [Benchmark(Description = "EventDriven generated, struct event")]
    [BenchmarkCategory("Struct")]
    public ValueTask EventDriven_Struct() => _bus.PublishAsync(_price);

    [Benchmark(Description = "Hand-written calls, struct event")]
    [BenchmarkCategory("Struct")]
    public ValueTask HandWritten_Struct() => _handWritten.Publish(_price);

    [Benchmark(Description = "Reflection bus (MethodInfo.Invoke), class event")]
    [BenchmarkCategory("Class")]
    public Task Reflection_Class() => _reflection.PublishAsync(_order);
}
