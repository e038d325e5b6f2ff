using EventDriven.Analyzers.Subscriptions;
using EventDriven.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace EventDriven.Analyzers.Tests.Subscriptions;

/// <summary>ED0002 (info): an [EventHandler] for an event this application declares and never publishes.</summary>
public sealed class UnpublishedEventTests
{
    private const string Handler = """
        [EventHandler]
        public sealed class {|#0:Shipping|} : IEventHandler<OrderPlaced>, IEventHandler<OrderShipped>
        {
            public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
        }

        public sealed class Checkout(IEventBus bus)
        {
            public ValueTask PlaceAsync(OrderPlaced order) => bus.PublishAsync(order);
        }

        """;

    [Fact]
    public Task HandlerOfAnEventNobodyPublishes_IsReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + Handler.Replace("{|#0:", "{|ED0002:", StringComparison.Ordinal));

    [Fact]
    public Task EventPublishedSomewhereInTheApplication_IsNotReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + Strip(Handler) + """
            public static class Dispatch
            {
                public static ValueTask ShipAsync(IEventBus bus, OrderShipped shipped) => bus.PublishAsync(shipped);
            }
            """);

    [Fact]
    public Task EventPublishedThroughItsBaseType_OrAsItsDerivedType_IsNotReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync("""
            public abstract record IntegrationEvent(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public abstract string EventType { get; }
                public string Source => "Tests";
            }

            public sealed record OrderPaid(Guid Id, DateTimeOffset OccurredAt) : IntegrationEvent(Id, OccurredAt)
            {
                public override string EventType => "OrderPaid";
            }

            public sealed record OrderShipped(Guid Id, DateTimeOffset OccurredAt) : IntegrationEvent(Id, OccurredAt)
            {
                public override string EventType => "OrderShipped";
            }

            [EventHandler]
            public sealed class Stock : IEventHandler<OrderPaid>
            {
                public ValueTask HandleAsync(OrderPaid @event, CancellationToken cancellationToken = default) => default;
            }

            [EventHandler]
            public sealed class IntegrationLog : IEventHandler<IntegrationEvent>
            {
                public ValueTask HandleAsync(IntegrationEvent @event, CancellationToken cancellationToken = default) => default;
            }

            public sealed class Outbox(IEventBus bus)
            {
                public ValueTask ForwardAsync(IntegrationEvent @event) => bus.PublishAsync(@event);

                public ValueTask ShipAsync() => bus.PublishAsync(new OrderShipped(Guid.Empty, default));
            }
            """);

    [Fact]
    public Task EventPublishedInABatchOnTheConcreteBus_IsNotReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + Strip(Handler) + """
            public static class Replay
            {
                public static ValueTask RunAsync(EventBus bus, OrderShipped[] events) => bus.PublishBatchAsync<OrderShipped>(events);
            }
            """);

    [Fact]
    public Task EventGivenOnlyToAPublishAsyncThatIsNotTheBus_IsReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + Handler.Replace("{|#0:", "{|ED0002:", StringComparison.Ordinal) + """
            public sealed class Outbox
            {
                public ValueTask PublishAsync<TEvent>(TEvent @event) where TEvent : IEvent => default;
            }

            public static class Archive
            {
                public static ValueTask RunAsync(Outbox outbox, OrderShipped shipped) => outbox.PublishAsync(shipped);
            }
            """);

    [Fact]
    public Task PublicEventInALibrary_IsNotReported_BecauseTheApplicationMayPublishIt()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(OutputKind.DynamicallyLinkedLibrary, Sources.Events + Strip(Handler));

    [Fact]
    public Task OpenGenericPublishes_SilenceTheRule_BecauseTheyMayPublishAnyEvent()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + Strip(Handler) + """
            public static class Relay
            {
                public static ValueTask ForwardAsync<TEvent>(IEventBus bus, TEvent @event) where TEvent : IEvent => bus.PublishAsync(@event);
            }
            """);

    private static string Strip(string source) => source.Replace("{|#0:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);
}
