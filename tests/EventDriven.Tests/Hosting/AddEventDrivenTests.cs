using EventDriven.Dispatch;
using EventDriven.Tests.Fixtures;
using EventDriven.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventDriven.Tests.Hosting;

public sealed class AddEventDrivenTests
{
    [Fact]
    public void AddEventDriven_RegistersBusAndEveryAnnotatedHandlerAsSingletons()
    {
        var services = new ServiceCollection().AddTestState().AddEventDriven();

        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(IEventBus)).Lifetime);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(FirstOrderHandler)).Lifetime);
        Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == typeof(OrderHandlerB)).Lifetime);
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));

        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<FirstOrderHandler>(), provider.GetRequiredService<FirstOrderHandler>());
        Assert.Same(provider.GetRequiredService<EventBus>(), provider.GetRequiredService<IEventBus>());
    }

    [Fact]
    public async Task AddEventDriven_KeepsAHandlerRegistrationTheApplicationMadeItself()
    {
        var recorder = new Recorder();
        var own = new OrderHandlerC(recorder);
        var services = new ServiceCollection().AddTestState().AddSingleton(own).AddEventDriven(o => o.DispatchMode = DispatchMode.Inline);
        using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IEventBus>().PublishAsync(new OrderPlaced(Guid.NewGuid()));

        Assert.Same(own, provider.GetRequiredService<OrderHandlerC>());
        Assert.Equal(["OrderHandlerC"], recorder.Calls);
    }

    [Fact]
    public void AddEventDriven_CalledTwice_ConfiguresOneOptionsInstanceAndRegistersOnce()
    {
        var services = new ServiceCollection()
            .AddEventDriven(o => o.NoHandlerBehavior = NoHandlerBehavior.Throw)
            .AddEventDriven();

        Assert.Single(services, d => d.ServiceType == typeof(EventDrivenOptions));
        Assert.Single(services, d => d.ServiceType == typeof(IEventBus));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        var options = (EventDrivenOptions)services.Single(d => d.ServiceType == typeof(EventDrivenOptions)).ImplementationInstance!;
        Assert.Equal(NoHandlerBehavior.Throw, options.NoHandlerBehavior);
        Assert.Equal(DispatchMode.RingBuffer, options.DispatchMode);
    }

    [Fact]
    public void AddEventDriven_WithUnknownDispatchMode_ThrowsNamingTheSetting()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddEventDriven(o => o.DispatchMode = (DispatchMode)42));
        Assert.Equal("DispatchMode", exception.ParamName);
    }

    [Fact]
    public async Task GenericHost_StartsTheBus_AndStoppingItRejectsLaterPublishes()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddTestState();
        builder.Services.AddEventDriven();
        using IHost host = builder.Build();

        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IEventBus>();
        await bus.PublishAsync(new OrderPlaced(Guid.NewGuid()));
        await host.StopAsync();

        Assert.Equal(3, host.Services.GetRequiredService<Recorder>().Calls.Count);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await bus.PublishAsync(new OrderPlaced(Guid.NewGuid())));
    }

    [Fact]
    public async Task A_table_registered_after_AddEventDriven_is_not_routed_by_that_container_whose_handlers_it_lacks()
    {
        var services = new ServiceCollection().AddTestState();
        services.AddEventDriven(o => o.DispatchMode = DispatchMode.Inline);
        var late = new LateTable();
        EventDispatchTables.Register(late); // e.g. an assembly loaded after AddEventDriven ran: its handlers are not in this container
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<EventBus>().StartAsync();

        Assert.DoesNotContain(provider.GetRequiredService<IServiceProvider>(), late.RoutedFor);
    }

    /// <summary>A table with no handlers that remembers which containers built routes from it (harmless to every other bus in the process).</summary>
    private sealed class LateTable : IEventDispatchTable
    {
        public System.Collections.Concurrent.ConcurrentBag<IServiceProvider> RoutedFor { get; } = [];

        public string AssemblyName => "Late";

        public EventTopology Topology { get; } = new([]);

        public void AddHandlers(IServiceCollection services)
        {
        }

        public void AddRoutes(EventRouteBuilder routes, IServiceProvider services) => RoutedFor.Add(services);
    }
}
