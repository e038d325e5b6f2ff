using EventDriven.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Testing.Tests;

/// <summary>A container with the bus, the harness, the fixtures' services, an in-memory saga store and a fake clock.</summary>
internal sealed class HarnessHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public HarnessHost(Action<EventDrivenOptions>? configure = null, TimeProvider? clock = null, Action<IServiceCollection>? services = null)
    {
        Clock = clock ?? new FakeTimeProvider();
        var collection = new ServiceCollection();
        collection.AddSingleton(Clock);
        collection.AddSingleton<Gates>().AddSingleton<Attempts>().AddSingleton<GraphScript>();
        collection.AddSingleton<ISagaStore, InMemorySagaStore>();
        services?.Invoke(collection);
        collection.AddEventDriven(o =>
        {
            o.SetRetryPolicy<FlakyHandler>(new RetryPolicy(MaxRetries: 2, InitialBackoff: TimeSpan.FromSeconds(10)));
            o.SetRetryPolicy<GraphHandlerA>(new RetryPolicy(MaxRetries: 2, InitialBackoff: TimeSpan.Zero));
            o.SetRetryPolicy<GraphHandlerB>(new RetryPolicy(MaxRetries: 2, InitialBackoff: TimeSpan.Zero));
            configure?.Invoke(o);
        });
        collection.AddSaga<ReservationSaga, ReservationState>(HarnessJson.Default.ReservationState, ReservationSaga.Define);
        collection.AddEventDrivenTestHarness();
        _provider = collection.BuildServiceProvider();
        Harness = _provider.GetRequiredService<EventDrivenTestHarness>();
        Bus = _provider.GetRequiredService<IEventBus>();
    }

    public TimeProvider Clock { get; }

    public EventDrivenTestHarness Harness { get; }

    public IEventBus Bus { get; }

    public T Get<T>()
        where T : notnull
        => _provider.GetRequiredService<T>();

    public ValueTask DisposeAsync()
    {
        Harness.Dispose();
        return _provider.DisposeAsync();
    }
}
