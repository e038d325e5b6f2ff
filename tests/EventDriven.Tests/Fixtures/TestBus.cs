using EventDriven.Reliability;
using EventDriven.Tests.Inbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Tests.Fixtures;

internal static class TestBus
{
    /// <summary>
    /// The state objects the fixture handlers take in their constructors (every handler is resolved when the routes are built), and
    /// an in-memory inbox: the table has an <c>[EventHandler(Inbox = true)]</c> handler, so building the routes needs one.
    /// </summary>
    public static IServiceCollection AddTestState(this IServiceCollection services)
    {
        services.AddSingleton<Recorder>().AddSingleton<TickLog>().AddSingleton<FlakyState>().AddSingleton<StressLog>().AddSingleton<ContextLog>().AddSingleton<InboxLog>().AddSingleton<Dispatch.ProbeScript>();
        services.AddSingleton<Dispatch.PolymorphicLog>();
        services.AddSingleton<Dispatch.Selection.SelectionLog>().AddSingleton<Dispatch.Selection.TillDrawer>();
        services.AddSingleton<Dispatch.LifetimeLog>().AddScoped<Dispatch.UnitOfWork>();
        services.TryAddSingleton<Dispatch.TenantSettings>();
        services.TryAddSingleton<IInbox>(static _ => new InMemoryInbox());
        return services;
    }

    /// <summary>An inline bus unless <paramref name="configure"/> says otherwise: most behaviour tests want the publisher to see the outcome.</summary>
    public static ServiceProvider Create(Action<EventDrivenOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddTestState();
        services.AddEventDriven(o =>
        {
            o.DispatchMode = DispatchMode.Inline;
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>A ring-buffer bus.</summary>
    public static ServiceProvider CreateRing(Action<EventDrivenOptions>? configure = null)
        => Create(o =>
        {
            o.DispatchMode = DispatchMode.RingBuffer;
            o.RingBufferCapacity = 1024;
            configure?.Invoke(o);
        });
}
