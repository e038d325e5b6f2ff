using EventDriven.Dispatch;
using EventDriven.Generated;
using EventDriven.Topology;

namespace EventDriven.Tests.Topology;

public sealed class EventTopologyTests
{
    [Fact]
    public void GeneratedTopology_ListsEachEventWithItsHandlersInRunOrder()
    {
        EventRouteInfo route = Assert.Single(EventDrivenTopology.Topology.Routes, r => r.EventType == "EventDriven.Tests.Fixtures.OrderPlaced");

        Assert.Equal(
            ["EventDriven.Tests.Fixtures.FirstOrderHandler", "EventDriven.Tests.Fixtures.OrderHandlerB", "EventDriven.Tests.Fixtures.OrderHandlerC", "EventDriven.Tests.Fixtures.RepriceOnOrderHandler"],
            route.Handlers.Select(h => h.Name));
        Assert.Equal(-1, route.Handlers[0].Order);
    }

    [Fact]
    public void GeneratedTopology_RecordsTheEventsAHandlerPublishes()
    {
        HandlerDescriptor reprice = EventDrivenTopology.Topology.Routes.SelectMany(r => r.Handlers).First(h => h.Name.EndsWith("RepriceOnOrderHandler", StringComparison.Ordinal));

        Assert.Equal(["EventDriven.Tests.Fixtures.PriceChanged"], reprice.Publishes);
    }

    [Fact]
    public void CurrentTopology_IncludesThisAssemblysTable()
    {
        Assert.Contains(EventTopology.Current.Routes, r => r.EventType == "EventDriven.Tests.Fixtures.ShipmentDispatched");
    }

    [Fact]
    public void Mermaid_DrawsEventsHandlersAndPublishedEdges()
    {
        var topology = new EventTopology(
        [
            new EventRouteInfo("Shop.OrderSubmitted", [new HandlerDescriptor("Shop.Validate", 0, true, ["Shop.OrderValidated"])]),
            new EventRouteInfo("Shop.OrderValidated", [new HandlerDescriptor("Shop.Audit", 0, true)]),
        ]);

        string expected = """
            flowchart LR
                E0(["OrderSubmitted"])
                E1(["OrderValidated"])
                H0["Audit"]
                H1["Validate"]
                E0 --> H1
                E1 --> H0
                H1 -.-> E1

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), topology.ToMermaid());
    }

    [Fact]
    public void Topology_MergesRoutesOfTheSameEventFromSeveralTables()
    {
        var topology = new EventTopology(
        [
            new EventRouteInfo("Shop.E", [new HandlerDescriptor("Lib.Z", 1, false)]),
            new EventRouteInfo("Shop.E", [new HandlerDescriptor("App.A", 2, false), new HandlerDescriptor("App.B", 0, false)]),
        ]);

        Assert.Equal(["App.B", "Lib.Z", "App.A"], Assert.Single(topology.Routes).Handlers.Select(h => h.Name));
    }
}
