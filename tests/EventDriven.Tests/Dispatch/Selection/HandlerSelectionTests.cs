using EventDriven.Dispatch;
using EventDriven.Topology;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Tests.Dispatch.Selection;

/// <summary>
/// One assembly, one process per service: <see cref="EventDrivenOptions.Handlers"/> runs only the included handlers, never resolves the
/// others (their dependencies need not exist), and fails the start when a rule matches nothing.
/// </summary>
public sealed class HandlerSelectionTests
{
    private const string KitchenNamespace = "EventDriven.Tests.Dispatch.Selection.Kitchen";

    [Theory]
    [InlineData(DispatchMode.Inline)]
    [InlineData(DispatchMode.RingBuffer)]
    public async Task OnlyTheIncludedNamespace_Runs_AndTheOtherHandlersAreNeverResolved(DispatchMode mode)
    {
        // None of the assembly's other fixture state is registered, nor the till's drawer: resolving any excluded handler would throw.
        var services = new ServiceCollection();
        services.AddSingleton<SelectionLog>();
        services.AddEventDriven(o =>
        {
            o.DispatchMode = mode;
            o.RingBufferCapacity = 64;
            o.Handlers.IncludeNamespace(KitchenNamespace);
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<EventBus>();

        await bus.PublishAsync(new TableServed(7));
        await bus.PublishAsync(new BillSettled(7));
        await bus.StopAsync();

        Assert.Equal(["kitchen 7"], provider.GetRequiredService<SelectionLog>().Calls);
    }

    [Fact]
    public async Task TwoRules_RunTheUnionOfTheirHandlers_InTheUsualRunOrder()
    {
        var services = new ServiceCollection();
        services.AddSingleton<SelectionLog>().AddSingleton<TillDrawer>();
        services.AddEventDriven(o =>
        {
            o.DispatchMode = DispatchMode.Inline;
            o.Handlers.Include<Till.PrintBill>().IncludeNamespace(KitchenNamespace);
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IEventBus>();

        await bus.PublishAsync(new TableServed(3));
        await bus.PublishAsync(new BillSettled(3));

        Assert.Equal(["kitchen 3", "till 3", "settled 3"], provider.GetRequiredService<SelectionLog>().Calls);
    }

    [Fact]
    public async Task ARuleThatMatchesNoHandler_FailsTheStart_NamingTheRule()
    {
        var services = new ServiceCollection();
        services.AddEventDriven(o => o.Handlers.IncludeNamespace("EventDriven.Tests.Dispatch.Selektion"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<EventBus>();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => bus.StartAsync());

        Assert.Contains("namespace EventDriven.Tests.Dispatch.Selektion", failure.Message, StringComparison.Ordinal);
        Assert.Contains("no generated handler matches it", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_KeepsOnlyTheIncludedHandlers_AndDropsRoutesLeftEmpty()
    {
        var selection = new HandlerSelection().IncludeNamespace(KitchenNamespace);

        EventTopology mine = selection.Apply(EventTopology.Current);

        EventRouteInfo served = Assert.Single(mine.Routes);
        Assert.Equal(typeof(TableServed).FullName, served.EventType);
        Assert.Equal([typeof(Kitchen.ClearTable).FullName], served.Handlers.Select(static h => h.Name));
        Assert.Contains(EventTopology.Current.Routes, static r => r.EventType == typeof(BillSettled).FullName);
    }

    [Fact]
    public async Task IncludeNone_RunsNoGeneratedHandler_AndBuildsWithNoneOfTheirDependencies()
    {
        var services = new ServiceCollection();
        services.AddEventDriven(o =>
        {
            o.DispatchMode = DispatchMode.Inline;
            o.Handlers.IncludeNone();
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<EventBus>();

        await bus.StartAsync();
        await bus.PublishAsync(new TableServed(1)); // no handler here: ignored (NoHandlerBehavior.Ignore), nothing resolved

        Assert.Empty(new HandlerSelection().IncludeNone().Apply(EventTopology.Current).Routes);
    }

    [Fact]
    public void NoRule_IncludesEverything()
    {
        var selection = new HandlerSelection();

        Assert.True(selection.IsEverything);
        Assert.Equal(EventTopology.Current.Routes.Count, selection.Apply(EventTopology.Current).Routes.Count);
    }
}
