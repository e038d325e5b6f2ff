using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Fixtures;

internal static class TestBus
{
    public static ServiceProvider Create(Action<EventDrivenOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<Recorder>();
        services.AddEventDriven(configure ?? (static _ => { }));
        return services.BuildServiceProvider();
    }
}
