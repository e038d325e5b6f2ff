namespace EventDriven.Generators.Tests.Infrastructure;

/// <summary>Sources several tests share: the events of a small shop.</summary>
internal static class TestSources
{
    /// <summary>Two record-class events and a <c>readonly record struct</c> event in namespace <c>Shop</c>.</summary>
    public static readonly SourceFile Events = new("Events.cs", """
        using System;
        using EventDriven;

        namespace Shop
        {
            public sealed record OrderPlaced(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "OrderPlaced";
                public string Source => "Shop.Orders";
            }

            public sealed record OrderShipped(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "OrderShipped";
                public string Source => "Shop.Shipping";
            }

            public readonly record struct StockReserved(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "StockReserved";
                public string Source => "Shop.Inventory";
            }
        }
        """);

    /// <summary>Usings every handler source needs.</summary>
    public const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using EventDriven;
        """;

    public static SourceFile Handlers(string text) => new("Handlers.cs", Usings + "\n\n" + text);
}
