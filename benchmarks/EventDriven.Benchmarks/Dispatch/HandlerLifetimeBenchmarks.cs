using BenchmarkDotNet.Attributes;
using EventDriven;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Benchmarks.Dispatch;

/// <summary>One event type per lifetime, each with one handler doing one addition; the scoped one takes a scoped unit of work.</summary>
public sealed record SingletonProbe(long Amount) : IEvent
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "SingletonProbe";
    public string Source => "Benchmarks";
}

/// <inheritdoc cref="SingletonProbe"/>
public sealed record ScopedProbe(long Amount) : IEvent
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "ScopedProbe";
    public string Source => "Benchmarks";
}

/// <inheritdoc cref="SingletonProbe"/>
public sealed record TransientProbe(long Amount) : IEvent
{
    public Guid Id { get; } = Guid.NewGuid();
    public DateTimeOffset OccurredAt => DateTimeOffset.UnixEpoch;
    public string EventType => "TransientProbe";
    public string Source => "Benchmarks";
}

/// <summary>What a scoped handler typically takes (a DbContext's place): created and disposed with each scope.</summary>
public sealed class UnitOfWork : IDisposable
{
    public long Writes;

    public void Dispose() => Writes = 0;
}

[EventHandler]
public sealed class SingletonProbeHandler(Sink sink) : IEventHandler<SingletonProbe>
{
    public ValueTask HandleAsync(SingletonProbe @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler(Lifetime = HandlerLifetime.Scoped)]
public sealed class ScopedProbeHandler(Sink sink, UnitOfWork work) : IEventHandler<ScopedProbe>
{
    public ValueTask HandleAsync(ScopedProbe @event, CancellationToken cancellationToken = default)
    {
        work.Writes++;
        sink.Total += @event.Amount;
        return default;
    }
}

[EventHandler(Lifetime = HandlerLifetime.Transient)]
public sealed class TransientProbeHandler(Sink sink) : IEventHandler<TransientProbe>
{
    public ValueTask HandleAsync(TransientProbe @event, CancellationToken cancellationToken = default)
    {
        sink.Total += @event.Amount;
        return default;
    }
}

/// <summary>
/// What a handler's lifetime costs per event, inline, one handler: singleton (called directly, the baseline), scoped (a DI scope,
/// a resolve of the handler and its scoped dependency, the scope disposed) and transient (a resolve from the root).
/// </summary>
[MemoryDiagnoser]
public class HandlerLifetimeBenchmarks
{
    private readonly SingletonProbe _singleton = new(1);
    private readonly ScopedProbe _scoped = new(1);
    private readonly TransientProbe _transient = new(1);
    private ServiceProvider _services = null!;
    private IEventBus _bus = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Sink>();
        services.AddScoped<UnitOfWork>();
        services.AddSingleton<Ring.RingSink>(); // every handler of this assembly's table is resolved when the routes are built
        services.AddSingleton<Ring.LaneSinks>();
        services.AddSingleton<Peers.PeerSink>();
        services.AddEventDriven(o => o.DispatchMode = DispatchMode.Inline);
        _services = services.BuildServiceProvider();
        _bus = _services.GetRequiredService<IEventBus>();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "Singleton handler")]
    public ValueTask Singleton() => _bus.PublishAsync(_singleton);

    [Benchmark(Description = "Scoped handler (scope + resolve + dispose per event)")]
    public ValueTask Scoped() => _bus.PublishAsync(_scoped);

    [Benchmark(Description = "Transient handler (resolve per event)")]
    public ValueTask Transient() => _bus.PublishAsync(_transient);
}
