using System.Collections.Immutable;
using System.Globalization;
using EventDriven.Analyzers.Subscriptions;
using EventDriven.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace EventDriven.Generators.Tests;

/// <summary>
/// ED0001, ED0002 and ED0003 read the compilation the compiler gives analyzers: the sources plus what generators wrote. A saga's
/// events declared only in <c>Define</c> are handled through the generated glue, so the analyzers must treat them as handled,
/// exactly as the dispatch table does; run over the sources alone (no glue) they would not.
/// </summary>
public sealed class SagaGlueAnalyzerTests
{
    private static readonly SourceFile s_application = TestSources.Handlers("""
        using EventDriven.Sagas;

        namespace Shop
        {
            public sealed class CheckoutState
            {
                public Guid OrderId { get; set; }
            }

            public static class Program
            {
                public static void Main()
                {
                }

                // OrderPlaced and OrderShipped are published; StockReserved is not.
                public static async ValueTask PlaceAsync(IEventBus bus, OrderPlaced order)
                {
                    await bus.PublishAsync(order);
                    await bus.PublishAsync(new OrderShipped(order.Id, order.OccurredAt));
                }
            }

            [EventHandler(Idempotent = true)]
            public sealed partial class Checkout(SagaRuntime<CheckoutState> runtime)
            {
                public static void Define(SagaDefinition<CheckoutState> saga)
                    => saga.StartsWith<OrderPlaced>(static e => e.Id, static (s, e, ctx) => { s.OrderId = e.Id; return default; })
                        .Step<StockReserved>(static e => e.Id, static (s, e, ctx) => default)
                        .CompleteOn<OrderShipped>(static e => e.Id);
            }
        }
        """) with { Path = "Application.cs" };

    [Fact]
    public async Task Analyzers_OverASagaWithGeneratedGlue_SeeItsDeclaredEventsAsHandled()
    {
        GeneratorOutput output = GeneratorHarness.Run(TestCompilation.Create(
                GeneratorHarness.DefaultAssemblyName,
                [MetadataReference.CreateFromFile(typeof(Sagas.SagaRuntime<>).Assembly.Location)],
                TestSources.Events,
                s_application))
            .ShouldCompileCleanly();

        ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(output.Output);

        // No ED0001 (both publishes have a handler: the saga), no ED0003 (the saga is marked), and ED0002 for the one event that is
        // handled and never published, named as the manifest would.
        Diagnostic unpublished = Assert.Single(diagnostics);
        Assert.Equal("ED0002", unpublished.Id);
        Assert.Contains("'Shop.Checkout' handles 'Shop.StockReserved'", unpublished.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("new global::Shop.Checkout(", output.Table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyzers_OverTheSagaWithoutTheGlue_ReportItsPublishedEventsAsUnhandled()
    {
        // The sources alone: what the analyzers would see if they could not see generator output. This is why the glue must be a
        // real partial part, not a table entry only.
        GeneratorOutput output = GeneratorHarness.Run(TestCompilation.Create(
            GeneratorHarness.DefaultAssemblyName,
            [MetadataReference.CreateFromFile(typeof(Sagas.SagaRuntime<>).Assembly.Location)],
            TestSources.Events,
            s_application));

        ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(output.Input);

        Assert.Equal(["ED0001", "ED0001"], diagnostics.Select(static d => d.Id));
    }

    private static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation)
        => compilation
            .WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication))
            .WithAnalyzers([new SubscriptionAnalyzer()])
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
}
