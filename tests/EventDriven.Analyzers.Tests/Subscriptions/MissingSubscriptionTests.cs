using System.Collections.Immutable;
using EventDriven.Analyzers.Subscriptions;
using EventDriven.Analyzers.Tests.Infrastructure;
using EventDriven.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EventDriven.Analyzers.Tests.Subscriptions;

/// <summary>ED0001: a publish that reaches nobody, checked across this compilation and the handler lists of referenced assemblies.</summary>
public sealed class MissingSubscriptionTests
{
    private const string Publisher = """
        public sealed class Checkout(IEventBus bus)
        {
            public async Task PlaceAsync(OrderPlaced order)
            {
                await bus.PublishAsync(order);
                await {|#0:bus.PublishAsync(new OrderShipped(order.Id, order.OccurredAt, order.OrderId))|};
            }
        }

        """;

    private const string PlacedHandler = """
        [EventHandler]
        public sealed class Billing : IEventHandler<OrderPlaced>
        {
            public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
        }

        """;

    [Fact]
    public Task PublishOfAnEventNobodyHandles_IsReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync((Sources.Events + Publisher + PlacedHandler).Replace("{|#0:", "{|ED0001:", StringComparison.Ordinal));

    [Fact]
    public Task BatchPublishOnTheConcreteBus_IsReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + """
            public static class Replay
            {
                public static ValueTask RunAsync(EventBus bus, OrderShipped[] events) => {|ED0001:bus.PublishBatchAsync<OrderShipped>(events)|};
            }
            """);

    [Fact]
    public Task PublishAsyncOfATypeThatIsNotTheBus_IsNotReported_BecauseItIsNoPublish()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + """
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
    public Task InternalEventInALibrary_IsReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(OutputKind.DynamicallyLinkedLibrary, """
            internal sealed record Audited(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Audited";
                public string Source => "Tests";
            }

            internal sealed class Auditor(IEventBus bus)
            {
                public ValueTask AuditAsync() => {|ED0001:bus.PublishAsync(new Audited(Guid.Empty, default))|};
            }
            """);

    [Fact]
    public Task EventHandledByAnEventHandlerOrASubscription_IsNotReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Sources.Events + Strip(Publisher) + PlacedHandler + """
            public sealed class Tracking
            {
                private sealed class Shipped : IEventHandler<OrderShipped>
                {
                    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
                }

                public static IDisposable Start(IEventBus bus) => bus.Subscribe<OrderShipped>(new Shipped());
            }
            """);

    [Fact]
    public Task PublicEventInALibrary_IsNotReported_BecauseTheApplicationMayHandleIt()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(OutputKind.DynamicallyLinkedLibrary, Strip(Sources.Events + Publisher + PlacedHandler));

    [Fact]
    public Task OpenGenericSubscriptions_SilenceTheRule_BecauseTheyMayNameAnyEvent()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(Strip(Sources.Events + Publisher) + """
            public static class Wiring
            {
                public static IDisposable Add<TEvent>(IEventBus bus, IEventHandler<TEvent> handler) where TEvent : IEvent => bus.Subscribe(handler);
            }
            """);

    [Fact]
    public Task OpenGenericPublishes_AreNotReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync("""
            public static class Relay
            {
                public static ValueTask ForwardAsync<TEvent>(IEventBus bus, TEvent @event) where TEvent : IEvent => bus.PublishAsync(@event);
            }
            """);

    [Fact]
    public async Task EventHandledInAReferencedAssembly_IsNotReported_ThroughItsDispatchTableAttribute()
    {
        MetadataReference shipping = CompileReference("Shipping", """
            using System;
            using EventDriven;

            [assembly: EventDriven.Dispatch.EventDispatchTableAttribute(typeof(Shipping.Table), HandledEvents = new Type[] { typeof(Shipping.OrderShipped) })]

            namespace Shipping
            {
                public readonly record struct OrderShipped(Guid Id, DateTimeOffset OccurredAt) : IEvent
                {
                    public string EventType => "OrderShipped";
                    public string Source => "Shipping";
                }

                public readonly record struct OrderLost(Guid Id, DateTimeOffset OccurredAt) : IEvent
                {
                    public string EventType => "OrderLost";
                    public string Source => "Shipping";
                }

                public static class Table { }
            }
            """);

        var test = new Microsoft.CodeAnalysis.CSharp.Testing.CSharpAnalyzerTest<SubscriptionAnalyzer, Microsoft.CodeAnalysis.Testing.DefaultVerifier>
        {
            ReferenceAssemblies = TestReferences.None,
            TestState =
            {
                OutputKind = OutputKind.ConsoleApplication,
                Sources =
                {
                    Verify<SubscriptionAnalyzer>.Usings + """
                    public static class Program
                    {
                        public static async Task Main()
                        {
                            IEventBus bus = null!;
                            await bus.PublishAsync(new Shipping.OrderShipped(Guid.Empty, default));
                            await {|ED0001:bus.PublishAsync(new Shipping.OrderLost(Guid.Empty, default))|};
                        }
                    }
                    """,
                },
            },
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.TestState.AdditionalReferences.Add(shipping);
        await test.RunAsync();
    }

    [Fact]
    public Task Fix_GeneratesAHandlerStubAfterThePublishingType()
        => Verify<SubscriptionAnalyzer>.CodeFixAsync<AddHandlerStubCodeFixProvider>(
            "namespace Shop;\n" + (Sources.Events + Publisher + PlacedHandler).Replace("{|#0:", "{|ED0001:", StringComparison.Ordinal),
            "namespace Shop;\n" + Strip(Sources.Events + Publisher).TrimEnd('\n') + """


            [EventHandler]
            internal sealed class OrderShippedHandler : IEventHandler<OrderShipped>
            {
                public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default)
                {
                    // TODO: handle OrderShipped.
                    return default;
                }
            }

            """ + PlacedHandler,
            AddHandlerStubCodeFixProvider.EquivalenceKey,
            compilationEnd: true);

    [Fact]
    public Task Fix_IndentsInABlockNamespace_NamesTheEventAsTheCodeThereWould_AndAvoidsTakenNames()
        => Verify<SubscriptionAnalyzer>.CodeFixAsync<AddHandlerStubCodeFixProvider>(
            """
            namespace Shop
            {
                public sealed class OrderShippedHandler { }

                public sealed class Checkout(EventDriven.IEventBus bus)
                {
                    public System.Threading.Tasks.ValueTask ShipAsync(Models.OrderShipped e) => {|ED0001:bus.PublishAsync(e)|};
                }
            }

            namespace Shop.Models
            {
                public readonly record struct OrderShipped(System.Guid Id, System.DateTimeOffset OccurredAt) : EventDriven.IEvent
                {
                    public string EventType => "OrderShipped";
                    public string Source => "Tests";
                }
            }
            """,
            """
            namespace Shop
            {
                public sealed class OrderShippedHandler { }

                public sealed class Checkout(EventDriven.IEventBus bus)
                {
                    public System.Threading.Tasks.ValueTask ShipAsync(Models.OrderShipped e) => bus.PublishAsync(e);
                }

                [EventHandler]
                internal sealed class OrderShippedHandler2 : IEventHandler<Models.OrderShipped>
                {
                    public ValueTask HandleAsync(Models.OrderShipped @event, CancellationToken cancellationToken = default)
                    {
                        // TODO: handle OrderShipped.
                        return default;
                    }
                }
            }

            namespace Shop.Models
            {
                public readonly record struct OrderShipped(System.Guid Id, System.DateTimeOffset OccurredAt) : EventDriven.IEvent
                {
                    public string EventType => "OrderShipped";
                    public string Source => "Tests";
                }
            }
            """,
            AddHandlerStubCodeFixProvider.EquivalenceKey,
            compilationEnd: true);

    private const string IntegrationEvents = """
        public abstract record IntegrationEvent(Guid Id, DateTimeOffset OccurredAt) : IEvent
        {
            public abstract string EventType { get; }
            public string Source => "Tests";
        }

        public sealed record OrderPaid(Guid Id, DateTimeOffset OccurredAt) : IntegrationEvent(Id, OccurredAt)
        {
            public override string EventType => "OrderPaid";
        }

        public sealed record OrderRefunded(Guid Id, DateTimeOffset OccurredAt) : IntegrationEvent(Id, OccurredAt)
        {
            public override string EventType => "OrderRefunded";
        }

        """;

    [Fact]
    public Task PublishThroughTheBaseType_OfWhichADerivedTypeIsHandled_IsNotReported_BecauseTheBusRoutesByRuntimeType()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(IntegrationEvents + """
            [EventHandler]
            public sealed class Stock : IEventHandler<OrderPaid>
            {
                public ValueTask HandleAsync(OrderPaid @event, CancellationToken cancellationToken = default) => default;
            }

            public sealed class Outbox(IEventBus bus)
            {
                public ValueTask ForwardAsync(IntegrationEvent @event) => bus.PublishAsync(@event);

                public ValueTask ForwardAnyAsync(IEvent @event) => bus.PublishAsync(@event);
            }
            """);

    [Fact]
    public Task PublishOfADerivedType_WhoseBaseTypeIsHandled_IsNotReported()
        => Verify<SubscriptionAnalyzer>.AnalyzerAsync(IntegrationEvents + """
            [EventHandler]
            public sealed class IntegrationLog : IEventHandler<IntegrationEvent>
            {
                public ValueTask HandleAsync(IntegrationEvent @event, CancellationToken cancellationToken = default) => default;
            }

            public sealed class Payments(IEventBus bus)
            {
                public ValueTask PayAsync() => bus.PublishAsync(new OrderPaid(Guid.Empty, default));
            }
            """);

    [Fact]
    public Task PublishThroughAnAbstractBaseNothingBelowHandles_IsReported_AndOffersNoStubForTheBase()
        => Verify<SubscriptionAnalyzer>.CodeFixAsync<AddHandlerStubCodeFixProvider>(
            IntegrationEvents + """
            public sealed class Outbox(IEventBus bus)
            {
                public ValueTask ForwardAsync(IntegrationEvent @event) => {|ED0001:bus.PublishAsync(@event)|};
            }
            """,
            IntegrationEvents + """
            public sealed class Outbox(IEventBus bus)
            {
                public ValueTask ForwardAsync(IntegrationEvent @event) => {|ED0001:bus.PublishAsync(@event)|};
            }
            """,
            AddHandlerStubCodeFixProvider.EquivalenceKey,
            compilationEnd: true);

    private static string Strip(string source) => source.Replace("{|#0:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal);

    private static MetadataReference CompileReference(string name, string source)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source)],
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return MetadataReference.CreateFromImage(ImmutableArray.Create(image.ToArray()));
    }
}
