using EventDriven.Analyzers.Subscriptions;
using EventDriven.Analyzers.Tests.Infrastructure;
using EventDriven.CodeFixes;
using Microsoft.CodeAnalysis;

namespace EventDriven.Analyzers.Tests.Subscriptions;

/// <summary>ED0003: an IEventHandler that is neither in the generated table nor ever subscribed or created.</summary>
public sealed class UnregisteredHandlerTests
{
    private const string Publisher = """
        public sealed class Checkout(IEventBus bus)
        {
            public async Task PlaceAsync(OrderPlaced order)
            {
                await bus.PublishAsync(order);
                await bus.PublishAsync(new OrderShipped(order.Id, order.OccurredAt, order.OrderId));
            }
        }

        [EventHandler]
        public sealed class Billing : IEventHandler<OrderPlaced>, IEventHandler<OrderShipped>
        {
            public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
        }

        """;

    [Fact]
    public Task HandlerWithoutAttribute_ThatNothingCreates_IsReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + Publisher + """
            public sealed class {|ED0003:Forgotten|} : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }

            internal sealed class {|ED0003:AlsoForgotten|}<TEvent> : IEventHandler<TEvent> where TEvent : IEvent
            {
                public ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default) => default;
            }
            """);

    [Fact]
    public Task InternalHandlerInALibrary_IsReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(OutputKind.DynamicallyLinkedLibrary, Sources.Events + Publisher + """
            internal sealed class {|ED0003:Forgotten|} : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }
            """);

    [Fact]
    public Task HandlersThatAreSubscribed_Created_Registered_OrAbstract_AreNotReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + Publisher + """
            public sealed class Subscribed : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }

            public sealed class Collecting<TEvent>(List<string> log) : IEventHandler<TEvent> where TEvent : IEvent
            {
                public ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default) { log.Add(@event.EventType); return default; }
            }

            public sealed class ResolvedFromAContainer : IEventHandler<OrderShipped>
            {
                public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
            }

            public sealed class ContravariantAuditor : IEventHandler<IEvent>
            {
                public ValueTask HandleAsync(IEvent @event, CancellationToken cancellationToken = default) => default;
            }

            public sealed class Inner : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }

            [EventHandler]
            public sealed class Composite : IEventHandler<OrderPlaced>
            {
                private readonly Inner _inner = new();
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => _inner.HandleAsync(@event, cancellationToken);
            }

            public abstract class AuditBase<TEvent> : IEventHandler<TEvent> where TEvent : IEvent
            {
                public ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default) => default;
            }

            [EventHandler]
            public sealed class Audit : AuditBase<OrderPlaced>;

            public sealed class Registered : IEventHandler<OrderShipped>
            {
                public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
            }

            public static class Wiring
            {
                public static void Register<TService, TImplementation>() { }

                public static void Start(IEventBus bus, Func<Type, object> resolve)
                {
                    bus.Subscribe(new Subscribed());
                    bus.Subscribe(new Collecting<OrderPlaced>(new List<string>()));
                    bus.Subscribe<OrderShipped>((IEventHandler<OrderShipped>)resolve(typeof(ResolvedFromAContainer)));
                    bus.Subscribe<OrderPlaced>((IEventHandler<IEvent>)resolve(typeof(object)));
                    Register<IEventHandler<OrderShipped>, Registered>();
                }
            }
            """);

    [Fact]
    public Task PublicHandlerInALibrary_IsNotReported_BecauseTheApplicationMaySubscribeIt()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(OutputKind.DynamicallyLinkedLibrary, Sources.Events + Publisher + """
            public sealed class ForApplications : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }
            """);

    [Fact]
    public Task AHandlerInterfaceArgument_CoversEveryHandlerThatCouldStandBehindIt()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + Publisher + """
            public sealed class FromReflection : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }

            public sealed class {|ED0003:OtherEvent|} : IEventHandler<OrderShipped>
            {
                public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
            }

            public static class Scanner
            {
                public static void Start(IEventBus bus, IEventHandler<OrderPlaced> scanned) => bus.Subscribe(scanned);
            }
            """);

    [Fact]
    public Task Fix_AddsTheEventHandlerAttribute()
        => Verify<SubscriptionAnalyzer>.CodeFixAsync<AddEventHandlerAttributeCodeFixProvider>(
            Sources.Events + Publisher + """
            /// <summary>Sends the invoice.</summary>
            public sealed class {|ED0003:Invoicing|} : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }
            """,
            Sources.Events + Publisher + """
            /// <summary>Sends the invoice.</summary>
            [EventHandler]
            public sealed class Invoicing : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }
            """,
            AddEventHandlerAttributeCodeFixProvider.EquivalenceKey,
            compilationEnd: true);
}
