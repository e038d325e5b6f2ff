namespace EventDriven.Analyzers.Tests.Infrastructure;

/// <summary>Declarations shared by the test sources.</summary>
internal static class Sources
{
    /// <summary>Two events (a class and a struct) and the state a handler may hold.</summary>
    public const string Events = """

        public sealed record OrderPlaced(Guid OrderId, decimal Total) : IEvent
        {
            public Guid Id { get; init; }
            public DateTimeOffset OccurredAt { get; init; }
            public string EventType => "OrderPlaced";
            public string Source => "Tests";
        }

        public readonly record struct OrderShipped(Guid Id, DateTimeOffset OccurredAt, Guid OrderId) : IEvent
        {
            public string EventType => "OrderShipped";
            public string Source => "Tests";
        }

        public sealed class Totals
        {
            public decimal Sum;
            public long Count;
            public List<Guid> Orders { get; } = new();
        }

        """;
}
