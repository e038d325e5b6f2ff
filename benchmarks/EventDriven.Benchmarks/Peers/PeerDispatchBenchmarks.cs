using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using EventDriven.Benchmarks.Baselines;
using EventDriven.Dispatch;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Benchmarks.Peers;

/// <summary>
/// Inline publish of one event to 1, 3 and 10 synchronous handlers, side by side: hand-written calls (the baseline of each
/// category), EventDriven's generated dispatch, the hand-written buses (reflection, compiled delegates) and the peers (Mediator
/// 3.0.2, MediatR 5.1.0, MassTransit 8.5.12's mediator). Every contender publishes the same event object to handlers doing the same
/// work (one addition into <see cref="PeerSink"/>); Setup checks that each one really runs every handler once.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PeerConfig))]
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The reflection and delegate buses are baselines being measured.")]
[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The delegate bus is a JIT-only baseline being measured.")]
public class PeerDispatchBenchmarks
{
    public const string H1Class = "1 handler, class event";
    public const string H1Struct = "1 handler, struct event";
    public const string H3Class = "3 handlers, class event";
    public const string H3Struct = "3 handlers, struct event";
    public const string H10Class = "10 handlers, class event";
    public const string H10Struct = "10 handlers, struct event";

    // Row names, the same in every category (the Categories column tells the categories apart).
    public const string HandWritten = "Hand-written calls (baseline)";
    public const string EventDrivenBus = "EventDriven, IEventBus.PublishAsync";
    public const string EventDrivenConcrete = "EventDriven, EventBus.PublishAsync (concrete type)";
    public const string GeneratedDispatcher = "EventDriven generated dispatcher alone (no bus)";
    public const string Delegates = "Compiled-delegate bus";
    public const string Reflection = "Reflection bus (MethodInfo.Invoke)";
    public const string MediatorInterface = "Mediator 3.0.2, IMediator.Publish";
    public const string MediatorConcrete = "Mediator 3.0.2, Mediator.Publish (concrete type)";
    public const string MediatR = "MediatR 5.1.0, IMediator.Publish";
    public const string MassTransit = "MassTransit 8.5.12 mediator, Publish";

    private readonly Order1 _order1 = new();
    private readonly Order3 _order3 = new();
    private readonly Order10 _order10 = new();
    private readonly Price1 _price1 = new(Guid.NewGuid(), 42);
    private readonly Price3 _price3 = new(Guid.NewGuid(), 42);
    private readonly Price10 _price10 = new(Guid.NewGuid(), 42);

    private ServiceProvider _services = null!;
    private PeerSink _sink = null!;
    private PeerHandWritten _handWritten = null!;
    private IEventBus _bus = null!;
    private EventBus _concreteBus = null!;
    private EventDispatcher<Order1> _dispatcherOrder1 = null!;
    private EventDispatcher<Order3> _dispatcherOrder3 = null!;
    private EventDispatcher<Order10> _dispatcherOrder10 = null!;
    private EventDispatcher<Price1> _dispatcherPrice1 = null!;
    private EventDispatcher<Price3> _dispatcherPrice3 = null!;
    private EventDispatcher<Price10> _dispatcherPrice10 = null!;
    private CompiledDelegateEventBus _delegates = null!;
    private ReflectionEventBus _reflection = null!;
    private global::Mediator.IMediator _mediator = null!;
    private global::Mediator.Mediator _mediatorConcrete = null!;
    private global::MediatR.IMediator _mediatR = null!;
    private global::MassTransit.Mediator.IMediator _massTransit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddSingleton<PeerSink>();
        services.AddSingleton<Dispatch.Sink>(); // every [EventHandler] of this assembly is in its dispatch table, and needs its sink
        services.AddSingleton<Ring.RingSink>();
        services.AddSingleton<Ring.LaneSinks>();
        services.AddEventDriven(o => o.DispatchMode = DispatchMode.Inline);
        PeerRegistrations.AddMediator(services);
        PeerRegistrations.AddMediatR(services);
        PeerRegistrations.AddMassTransitMediator(services);
        _services = services.BuildServiceProvider();
        _sink = _services.GetRequiredService<PeerSink>();

        _bus = _services.GetRequiredService<IEventBus>();
        _concreteBus = _services.GetRequiredService<EventBus>();
        object[] handlers =
        [
            _services.GetRequiredService<Handler0>(), _services.GetRequiredService<Handler1>(), _services.GetRequiredService<Handler2>(),
            _services.GetRequiredService<Handler3>(), _services.GetRequiredService<Handler4>(), _services.GetRequiredService<Handler5>(),
            _services.GetRequiredService<Handler6>(), _services.GetRequiredService<Handler7>(), _services.GetRequiredService<Handler8>(),
            _services.GetRequiredService<Handler9>(),
        ];
        _handWritten = new PeerHandWritten(
            (Handler0)handlers[0], (Handler1)handlers[1], (Handler2)handlers[2], (Handler3)handlers[3], (Handler4)handlers[4],
            (Handler5)handlers[5], (Handler6)handlers[6], (Handler7)handlers[7], (Handler8)handlers[8], (Handler9)handlers[9]);
        _dispatcherOrder1 = GeneratedDispatcherOf<Order1>(_services);
        _dispatcherOrder3 = GeneratedDispatcherOf<Order3>(_services);
        _dispatcherOrder10 = GeneratedDispatcherOf<Order10>(_services);
        _dispatcherPrice1 = GeneratedDispatcherOf<Price1>(_services);
        _dispatcherPrice3 = GeneratedDispatcherOf<Price3>(_services);
        _dispatcherPrice10 = GeneratedDispatcherOf<Price10>(_services);

        _delegates = new CompiledDelegateEventBus();
        _reflection = new ReflectionEventBus();
        foreach (object handler in handlers)
        {
            _delegates.Subscribe(handler);
            SubscribeReflection<Order1>(handler);
            SubscribeReflection<Order3>(handler);
            SubscribeReflection<Order10>(handler);
            SubscribeReflection<Price1>(handler);
            SubscribeReflection<Price3>(handler);
            SubscribeReflection<Price10>(handler);
        }

        _mediator = _services.GetRequiredService<global::Mediator.IMediator>();
        _mediatorConcrete = _services.GetRequiredService<global::Mediator.Mediator>();
        _mediatR = new global::MediatR.Mediator(type => _services.GetService(type)!);
        _massTransit = _services.GetRequiredService<global::MassTransit.Mediator.IMediator>();

        CheckEveryContenderRunsEveryHandlerOnce();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.DisposeAsync().AsTask().GetAwaiter().GetResult(); // MassTransit's mediator is only IAsyncDisposable

    private void SubscribeReflection<TEvent>(object handler)
        where TEvent : IEvent
    {
        if (handler is IEventHandler<TEvent> typed)
        {
            _reflection.Subscribe(typed);
        }
    }

    /// <summary>
    /// The generated dispatcher of <typeparamref name="TEvent"/>, as the bus gets it from the generated table: a diagnostic row that
    /// splits EventDriven's time into the bus's share (route lookup, checks, the generic interface call) and the generated code's.
    /// <see cref="EventRouteBuilder"/>'s constructor is internal, hence the reflection; benchmarks only.
    /// </summary>
    private static EventDispatcher<TEvent> GeneratedDispatcherOf<TEvent>(IServiceProvider services)
        where TEvent : IEvent
    {
        var builder = (EventRouteBuilder)Activator.CreateInstance(typeof(EventRouteBuilder), nonPublic: true)!;
        foreach (IEventDispatchTable table in EventDispatchTables.All)
        {
            table.AddRoutes(builder, services);
        }

        var parts = (IDictionary)typeof(EventRouteBuilder).GetField("_parts", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(builder)!;
        foreach (object part in parts.Values)
        {
            if (part.GetType().GetProperty("Dispatchers")?.GetValue(part) is List<EventDispatcher<TEvent>> { Count: 1 } dispatchers)
            {
                return dispatchers[0];
            }
        }

        throw new InvalidOperationException($"No generated dispatcher for {typeof(TEvent).Name}.");
    }

    /// <summary>Publishes each event once through every contender and checks that each handler added its amount exactly once.</summary>
    private void CheckEveryContenderRunsEveryHandlerOnce()
    {
        foreach (MethodInfo benchmark in GetType().GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
        {
            int handlers = int.Parse(benchmark.Name.AsSpan(benchmark.Name.IndexOf('_') + "_Order".Length), provider: null);
            long before = _sink.Total;
            switch (benchmark.Invoke(this, null))
            {
                case ValueTask valueTask:
                    valueTask.AsTask().GetAwaiter().GetResult();
                    break;
                case Task task:
                    task.GetAwaiter().GetResult();
                    break;
            }

            if (_sink.Total - before != handlers * 42L)
            {
                throw new InvalidOperationException($"{benchmark.Name} added {_sink.Total - before} to the sink; {handlers} handlers should add {handlers * 42}.");
            }
        }
    }

    // ---------------------------------------------------------------- 1 handler, class event (Order1)

    [Benchmark(Baseline = true, Description = HandWritten)]
    [BenchmarkCategory(H1Class)]
    public ValueTask HandWritten_Order1() => _handWritten.Publish(_order1);

    [Benchmark(Description = EventDrivenBus)]
    [BenchmarkCategory(H1Class)]
    public ValueTask EventDriven_Order1() => _bus.PublishAsync(_order1);

    [Benchmark(Description = EventDrivenConcrete)]
    [BenchmarkCategory(H1Class)]
    public ValueTask EventDrivenConcrete_Order1() => _concreteBus.PublishAsync(_order1);

    [Benchmark(Description = GeneratedDispatcher)]
    [BenchmarkCategory(H1Class)]
    public ValueTask GeneratedDispatcher_Order1() => _dispatcherOrder1.DispatchAsync(_order1, default);

    [Benchmark(Description = Delegates)]
    [BenchmarkCategory(H1Class)]
    public ValueTask Delegates_Order1() => _delegates.PublishAsync(_order1);

    [Benchmark(Description = Reflection)]
    [BenchmarkCategory(H1Class)]
    public Task Reflection_Order1() => _reflection.PublishAsync(_order1);

    [Benchmark(Description = MediatorInterface)]
    [BenchmarkCategory(H1Class)]
    public ValueTask Mediator_Order1() => _mediator.Publish(_order1);

    [Benchmark(Description = MediatorConcrete)]
    [BenchmarkCategory(H1Class)]
    public ValueTask MediatorConcrete_Order1() => _mediatorConcrete.Publish(_order1);

    [Benchmark(Description = MediatR)]
    [BenchmarkCategory(H1Class)]
    public Task MediatR_Order1() => _mediatR.Publish(_order1);

    [Benchmark(Description = MassTransit)]
    [BenchmarkCategory(H1Class)]
    public Task MassTransit_Order1() => _massTransit.Publish(_order1);

    // ---------------------------------------------------------------- 1 handler, struct event (Price1)

    [Benchmark(Baseline = true, Description = HandWritten)]
    [BenchmarkCategory(H1Struct)]
    public ValueTask HandWritten_Price1() => _handWritten.Publish(_price1);

    [Benchmark(Description = EventDrivenBus)]
    [BenchmarkCategory(H1Struct)]
    public ValueTask EventDriven_Price1() => _bus.PublishAsync(_price1);

    [Benchmark(Description = EventDrivenConcrete)]
    [BenchmarkCategory(H1Struct)]
    public ValueTask EventDrivenConcrete_Price1() => _concreteBus.PublishAsync(_price1);

    [Benchmark(Description = GeneratedDispatcher)]
    [BenchmarkCategory(H1Struct)]
    public ValueTask GeneratedDispatcher_Price1() => _dispatcherPrice1.DispatchAsync(_price1, default);

    [Benchmark(Description = Delegates)]
    [BenchmarkCategory(H1Struct)]
    public ValueTask Delegates_Price1() => _delegates.PublishAsync(_price1);

    [Benchmark(Description = Reflection)]
    [BenchmarkCategory(H1Struct)]
    public Task Reflection_Price1() => _reflection.PublishAsync(_price1);

    [Benchmark(Description = MediatorInterface)]
    [BenchmarkCategory(H1Struct)]
    public ValueTask Mediator_Price1() => _mediator.Publish(_price1);

    [Benchmark(Description = MediatorConcrete)]
    [BenchmarkCategory(H1Struct)]
    public ValueTask MediatorConcrete_Price1() => _mediatorConcrete.Publish(_price1);

    [Benchmark(Description = MediatR)]
    [BenchmarkCategory(H1Struct)]
    public Task MediatR_Price1() => _mediatR.Publish(_price1);

    // ---------------------------------------------------------------- 3 handlers, class event (Order3)

    [Benchmark(Baseline = true, Description = HandWritten)]
    [BenchmarkCategory(H3Class)]
    public ValueTask HandWritten_Order3() => _handWritten.Publish(_order3);

    [Benchmark(Description = EventDrivenBus)]
    [BenchmarkCategory(H3Class)]
    public ValueTask EventDriven_Order3() => _bus.PublishAsync(_order3);

    [Benchmark(Description = EventDrivenConcrete)]
    [BenchmarkCategory(H3Class)]
    public ValueTask EventDrivenConcrete_Order3() => _concreteBus.PublishAsync(_order3);

    [Benchmark(Description = GeneratedDispatcher)]
    [BenchmarkCategory(H3Class)]
    public ValueTask GeneratedDispatcher_Order3() => _dispatcherOrder3.DispatchAsync(_order3, default);

    [Benchmark(Description = Delegates)]
    [BenchmarkCategory(H3Class)]
    public ValueTask Delegates_Order3() => _delegates.PublishAsync(_order3);

    [Benchmark(Description = Reflection)]
    [BenchmarkCategory(H3Class)]
    public Task Reflection_Order3() => _reflection.PublishAsync(_order3);

    [Benchmark(Description = MediatorInterface)]
    [BenchmarkCategory(H3Class)]
    public ValueTask Mediator_Order3() => _mediator.Publish(_order3);

    [Benchmark(Description = MediatorConcrete)]
    [BenchmarkCategory(H3Class)]
    public ValueTask MediatorConcrete_Order3() => _mediatorConcrete.Publish(_order3);

    [Benchmark(Description = MediatR)]
    [BenchmarkCategory(H3Class)]
    public Task MediatR_Order3() => _mediatR.Publish(_order3);

    [Benchmark(Description = MassTransit)]
    [BenchmarkCategory(H3Class)]
    public Task MassTransit_Order3() => _massTransit.Publish(_order3);

    // ---------------------------------------------------------------- 3 handlers, struct event (Price3)

    [Benchmark(Baseline = true, Description = HandWritten)]
    [BenchmarkCategory(H3Struct)]
    public ValueTask HandWritten_Price3() => _handWritten.Publish(_price3);

    [Benchmark(Description = EventDrivenBus)]
    [BenchmarkCategory(H3Struct)]
    public ValueTask EventDriven_Price3() => _bus.PublishAsync(_price3);

    [Benchmark(Description = EventDrivenConcrete)]
    [BenchmarkCategory(H3Struct)]
    public ValueTask EventDrivenConcrete_Price3() => _concreteBus.PublishAsync(_price3);

    [Benchmark(Description = GeneratedDispatcher)]
    [BenchmarkCategory(H3Struct)]
    public ValueTask GeneratedDispatcher_Price3() => _dispatcherPrice3.DispatchAsync(_price3, default);

    [Benchmark(Description = Delegates)]
    [BenchmarkCategory(H3Struct)]
    public ValueTask Delegates_Price3() => _delegates.PublishAsync(_price3);

    [Benchmark(Description = Reflection)]
    [BenchmarkCategory(H3Struct)]
    public Task Reflection_Price3() => _reflection.PublishAsync(_price3);

    [Benchmark(Description = MediatorInterface)]
    [BenchmarkCategory(H3Struct)]
    public ValueTask Mediator_Price3() => _mediator.Publish(_price3);

    [Benchmark(Description = MediatorConcrete)]
    [BenchmarkCategory(H3Struct)]
    public ValueTask MediatorConcrete_Price3() => _mediatorConcrete.Publish(_price3);

    [Benchmark(Description = MediatR)]
    [BenchmarkCategory(H3Struct)]
    public Task MediatR_Price3() => _mediatR.Publish(_price3);

    // ---------------------------------------------------------------- 10 handlers, class event (Order10)

    [Benchmark(Baseline = true, Description = HandWritten)]
    [BenchmarkCategory(H10Class)]
    public ValueTask HandWritten_Order10() => _handWritten.Publish(_order10);

    [Benchmark(Description = EventDrivenBus)]
    [BenchmarkCategory(H10Class)]
    public ValueTask EventDriven_Order10() => _bus.PublishAsync(_order10);

    [Benchmark(Description = EventDrivenConcrete)]
    [BenchmarkCategory(H10Class)]
    public ValueTask EventDrivenConcrete_Order10() => _concreteBus.PublishAsync(_order10);

    [Benchmark(Description = GeneratedDispatcher)]
    [BenchmarkCategory(H10Class)]
    public ValueTask GeneratedDispatcher_Order10() => _dispatcherOrder10.DispatchAsync(_order10, default);

    [Benchmark(Description = Delegates)]
    [BenchmarkCategory(H10Class)]
    public ValueTask Delegates_Order10() => _delegates.PublishAsync(_order10);

    [Benchmark(Description = Reflection)]
    [BenchmarkCategory(H10Class)]
    public Task Reflection_Order10() => _reflection.PublishAsync(_order10);

    [Benchmark(Description = MediatorInterface)]
    [BenchmarkCategory(H10Class)]
    public ValueTask Mediator_Order10() => _mediator.Publish(_order10);

    [Benchmark(Description = MediatorConcrete)]
    [BenchmarkCategory(H10Class)]
    public ValueTask MediatorConcrete_Order10() => _mediatorConcrete.Publish(_order10);

    [Benchmark(Description = MediatR)]
    [BenchmarkCategory(H10Class)]
    public Task MediatR_Order10() => _mediatR.Publish(_order10);

    [Benchmark(Description = MassTransit)]
    [BenchmarkCategory(H10Class)]
    public Task MassTransit_Order10() => _massTransit.Publish(_order10);

    // ---------------------------------------------------------------- 10 handlers, struct event (Price10)

    [Benchmark(Baseline = true, Description = HandWritten)]
    [BenchmarkCategory(H10Struct)]
    public ValueTask HandWritten_Price10() => _handWritten.Publish(_price10);

    [Benchmark(Description = EventDrivenBus)]
    [BenchmarkCategory(H10Struct)]
    public ValueTask EventDriven_Price10() => _bus.PublishAsync(_price10);

    [Benchmark(Description = EventDrivenConcrete)]
    [BenchmarkCategory(H10Struct)]
    public ValueTask EventDrivenConcrete_Price10() => _concreteBus.PublishAsync(_price10);

    [Benchmark(Description = GeneratedDispatcher)]
    [BenchmarkCategory(H10Struct)]
    public ValueTask GeneratedDispatcher_Price10() => _dispatcherPrice10.DispatchAsync(_price10, default);

    [Benchmark(Description = Delegates)]
    [BenchmarkCategory(H10Struct)]
    public ValueTask Delegates_Price10() => _delegates.PublishAsync(_price10);

    [Benchmark(Description = Reflection)]
    [BenchmarkCategory(H10Struct)]
    public Task Reflection_Price10() => _reflection.PublishAsync(_price10);

    [Benchmark(Description = MediatorInterface)]
    [BenchmarkCategory(H10Struct)]
    public ValueTask Mediator_Price10() => _mediator.Publish(_price10);

    [Benchmark(Description = MediatorConcrete)]
    [BenchmarkCategory(H10Struct)]
    public ValueTask MediatorConcrete_Price10() => _mediatorConcrete.Publish(_price10);

    [Benchmark(Description = MediatR)]
    [BenchmarkCategory(H10Struct)]
    public Task MediatR_Price10() => _mediatR.Publish(_price10);
}

/// <summary>
/// Categories side by side, each with its own baseline. Min and Median are shown beside Mean: on shared cores noise only ever adds
/// time, so with many short iterations (see benchmarks/README.md) the median and the minimum are the figures to compare.
/// </summary>
public sealed class PeerConfig : ManualConfig
{
    public PeerConfig()
    {
        AddColumn(CategoriesColumn.Default, StatisticColumn.Min, StatisticColumn.Median);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
    }
}
