using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using EventDriven.Analyzers.Subscriptions;
using EventDriven.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace EventDriven.Generators.Tests;

/// <summary>
/// The generator (topology manifest, event type catalog) and the analyzers (ED0001, ED0002) share one definition of a publish:
/// <c>PublishAsync&lt;T&gt;</c> or <c>PublishBatchAsync&lt;T&gt;</c> of <c>IEventBus</c> or a class implementing it, or a saga's
/// <c>SagaContext.PublishAsync&lt;T&gt;</c>. Each test runs both
/// over the same compilation and checks that they agree: an event a handler of this compilation publishes is listed in the
/// manifest exactly when ED0002 stays silent for its handlers.
/// </summary>
public sealed partial class PublishAgreementTests
{
    /// <summary>
    /// Beside <see cref="TestSources.Events"/>: an event no handler handles, the publish of the entry event outside any handler, two
    /// handlers, and a Main, since ED0001 and ED0002 stay silent for a library's public events.
    /// </summary>
    private static readonly SourceFile s_application = TestSources.Handlers("""
        namespace Shop
        {
            public sealed record OrderArchived(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "OrderArchived";
                public string Source => "Shop.Archive";
            }

            public static class Program
            {
                public static void Main()
                {
                }

                public static ValueTask PlaceAsync(IEventBus bus, OrderPlaced order) => bus.PublishAsync(order);
            }

            [EventHandler]
            public sealed class TrackParcel : IEventHandler<OrderShipped>
            {
                public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
            }

            [EventHandler]
            public sealed class Restock : IEventHandler<StockReserved>
            {
                public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken = default) => default;
            }
        }
        """) with { Path = "Application.cs" };

    [Fact]
    public async Task PublishBatchAsync_OfTheEventBus_IsAPublishToTheManifestTheCatalogAndED0002Alike()
    {
        Run run = await RunBothAsync("""
            namespace Shop
            {
                [EventHandler]
                public sealed class ShipOrders(EventBus bus) : IEventHandler<OrderPlaced>
                {
                    public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                    {
                        await bus.PublishBatchAsync<OrderShipped>(new[] { new OrderShipped(@event.Id, @event.OccurredAt) }, cancellationToken);
                        await (bus?.PublishAsync(new StockReserved(@event.Id, @event.OccurredAt), cancellationToken) ?? default);
                    }
                }
            }
            """);

        Assert.Equal(["Shop.OrderShipped", "Shop.StockReserved"], run.ManifestPublishes("Shop.ShipOrders"));
        Assert.Contains("typeof(global::Shop.OrderShipped)", run.Catalog, StringComparison.Ordinal);
        Assert.Empty(run.Diagnostics);
        run.AssertManifestAndED0002Agree();
    }

    [Fact]
    public async Task PublishAsync_OfATypeThatIsNotTheEventBus_IsNoPublishToTheManifestTheCatalogOrED0001AndED0002()
    {
        Run run = await RunBothAsync("""
            namespace Shop
            {
                /// <summary>Has a PublishAsync, but is no IEventBus: nothing it is given reaches a handler.</summary>
                public sealed class Outbox
                {
                    public ValueTask PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
                        where TEvent : IEvent => default;
                }

                [EventHandler]
                public sealed class ShipOrders(Outbox outbox, IEventBus bus) : IEventHandler<OrderPlaced>
                {
                    public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                    {
                        await outbox.PublishAsync(new OrderShipped(@event.Id, @event.OccurredAt), cancellationToken);
                        await outbox.PublishAsync(new OrderArchived(@event.Id, @event.OccurredAt), cancellationToken);
                        await bus.PublishAsync(new StockReserved(@event.Id, @event.OccurredAt), cancellationToken);
                    }
                }
            }
            """);

        Assert.Equal(["Shop.StockReserved"], run.ManifestPublishes("Shop.ShipOrders"));

        // (OrderArchived is still in the catalog: every event type declared in the compilation is, published or not.)

        // OrderArchived reaches no handler, yet ED0001 is silent: the outbox call is no publish. OrderShipped's handler is reported,
        // since nothing publishes it.
        Diagnostic unpublished = Assert.Single(run.Diagnostics);
        Assert.Equal("ED0002", unpublished.Id);
        Assert.Contains("'Shop.OrderShipped'", unpublished.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        run.AssertManifestAndED0002Agree();
    }

    [Fact]
    public async Task PublishAsync_OfASagaContext_IsAPublishToTheManifestTheCatalogAndED0002Alike()
    {
        // The saga runtime hands what a step gives SagaContext.PublishAsync to the bus once the instance is saved.
        Run run = await RunBothAsync("""
            namespace Shop
            {
                [EventHandler]
                public sealed class ShipOrders : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;

                    public static ValueTask Step(EventDriven.Sagas.SagaContext ctx, OrderPlaced @event)
                        => ctx.PublishAsync(new OrderShipped(@event.Id, @event.OccurredAt));
                }
            }
            """);

        Assert.Equal(["Shop.OrderShipped"], run.ManifestPublishes("Shop.ShipOrders"));
        Assert.Contains("typeof(global::Shop.OrderShipped)", run.Catalog, StringComparison.Ordinal);

        // StockReserved is published by nobody, so Restock alone is reported.
        Diagnostic unpublished = Assert.Single(run.Diagnostics);
        Assert.Contains("'Shop.Restock' handles 'Shop.StockReserved'", unpublished.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        run.AssertManifestAndED0002Agree();
    }

    private static async Task<Run> RunBothAsync(string handlers)
    {
        GeneratorOutput output = GeneratorHarness.Run(TestCompilation.Create(
                GeneratorHarness.DefaultAssemblyName,
                [MetadataReference.CreateFromFile(typeof(Sagas.SagaContext).Assembly.Location)],
                TestSources.Events,
                s_application,
                TestSources.Handlers(handlers)))
            .ShouldCompileCleanly();
        Compilation application = output.Output.WithOptions(output.Output.Options.WithOutputKind(OutputKind.ConsoleApplication));
        ImmutableArray<Diagnostic> diagnostics = await application
            .WithAnalyzers([new SubscriptionAnalyzer()])
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        return new Run(output, diagnostics);
    }

    private sealed partial record Run(GeneratorOutput Output, ImmutableArray<Diagnostic> Diagnostics)
    {
        private static readonly string[] s_handlers = ["Shop.ShipOrders", "Shop.TrackParcel", "Shop.Restock"];

        /// <summary>Which handler handles which event, as the test sources declare them.</summary>
        private static readonly (string Handler, string Event)[] s_handled =
        [
            ("Shop.ShipOrders", "Shop.OrderPlaced"),
            ("Shop.TrackParcel", "Shop.OrderShipped"),
            ("Shop.Restock", "Shop.StockReserved"),
        ];

        public string Catalog => Output.Sources["EventTypeCatalog.g.cs"];

        /// <summary>The events the generated table's descriptor of <paramref name="handler"/> says it publishes.</summary>
        public string[] ManifestPublishes(string handler)
        {
            string table = Output.Table ?? throw new InvalidOperationException("The generator wrote no dispatch table.");
            Match descriptor = Regex.Match(
                table,
                "HandlerDescriptor\\(\\s*" + Regex.Escape("\"" + handler + "\"") + ", -?\\d+, (?:true|false), new string\\[\\] \\{(?<publishes>[^}]*)\\}");
            Assert.True(descriptor.Success, $"No descriptor of {handler} in the table.");
            return [.. Quoted().Matches(descriptor.Groups["publishes"].Value).Select(static m => m.Groups["name"].Value)];
        }

        /// <summary>
        /// For every handled event but the entry event (published outside any handler): some handler's manifest entry publishes it
        /// exactly when ED0002 is not reported for its handler.
        /// </summary>
        public void AssertManifestAndED0002Agree()
        {
            HashSet<string> listed = [.. s_handlers.SelectMany(ManifestPublishes)];
            foreach ((string handler, string @event) in s_handled.Where(static h => h.Event != "Shop.OrderPlaced"))
            {
                bool reported = Diagnostics.Any(d => d.Id == "ED0002"
                    && d.GetMessage(CultureInfo.InvariantCulture).Contains("'" + handler + "' handles '" + @event + "'", StringComparison.Ordinal));
                Assert.True(listed.Contains(@event) != reported, $"{@event}: manifest lists it as published: {listed.Contains(@event)}; ED0002 reported: {reported}.");
            }
        }

        [GeneratedRegex("\"(?<name>[^\"]*)\"")]
        private static partial Regex Quoted();
    }
}
