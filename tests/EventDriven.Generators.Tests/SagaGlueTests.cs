using EventDriven.Generators.Tests.Infrastructure;
using EventDriven.Generators.Tests.Snapshots;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Tests;

/// <summary>
/// A saga declares each event once, in its static <c>Define</c>: the generator writes the <c>IEventHandler&lt;TEvent&gt;</c> glue for
/// the events <c>StartsWith</c>, <c>Step</c>, <c>CompleteOn</c> and <c>CompensateOn</c> route to it, and the table, topology and catalog
/// are exactly those of the same saga with hand-written shims.
/// </summary>
public sealed class SagaGlueTests
{
    private const string State = """
        namespace Shop
        {
            public sealed class CheckoutState
            {
                public Guid OrderId { get; set; }
            }
        }

        """;

    private const string Define = """
            public static void Define(SagaDefinition<CheckoutState> saga, TimeSpan timeout)
                => saga.StartsWith<OrderPlaced>(static e => e.Id, static (s, e, ctx) => { s.OrderId = e.Id; return default; })
                    .Step<StockReserved>(static e => e.Id, static (s, e, ctx) => default, timeout: timeout)
                    .CompleteOn<OrderShipped>(static e => e.Id)
                    .WhenLate<OrderShipped>(static (s, e, ctx) => default);
        """;

    private static readonly MetadataReference s_sagas = MetadataReference.CreateFromFile(typeof(Sagas.SagaRuntime<>).Assembly.Location);

    [Fact]
    public void Saga_DeclaringItsEventsOnlyInDefine_GetsGeneratedShimsAndTheTableOfHandWrittenOnes()
    {
        GeneratorOutput generated = Generate("""
            namespace Shop
            {
                [EventHandler(Idempotent = true, Order = 2)]
                public sealed partial class Checkout(SagaRuntime<CheckoutState> runtime)
                {
            """ + Define + """
                }
            }
            """);
        GeneratorOutput handWritten = Generate("""
            namespace Shop
            {
                [EventHandler(Idempotent = true, Order = 2)]
                public sealed class Checkout(SagaRuntime<CheckoutState> runtime) : IEventHandler<OrderPlaced>, IEventHandler<StockReserved>, IEventHandler<OrderShipped>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

                    public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

                    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

            """ + Define + """
                }
            }
            """);

        foreach (string hint in (string[])["EventDispatchTable.g.cs", "EventDrivenTopology.g.cs", "EventTypeCatalog.g.cs", "EventDrivenModuleInitializer.g.cs"])
        {
            Assert.Equal(handWritten.Sources[hint], generated.Sources[hint]);
        }

        Assert.False(handWritten.Sources.ContainsKey("Shop_Checkout.SagaGlue.g.cs"));
        string glue = generated.Sources["Shop_Checkout.SagaGlue.g.cs"];
        Assert.Contains("=> runtime.HandleAsync(@event, cancellationToken);", glue, StringComparison.Ordinal);

        // Define's order; WhenLate adds behaviour to OrderShipped, it routes nothing new.
        Assert.True(
            glue.IndexOf("IEventHandler<global::Shop.OrderPlaced>", StringComparison.Ordinal) < glue.IndexOf("IEventHandler<global::Shop.StockReserved>", StringComparison.Ordinal)
            && glue.IndexOf("IEventHandler<global::Shop.StockReserved>", StringComparison.Ordinal) < glue.IndexOf("IEventHandler<global::Shop.OrderShipped>", StringComparison.Ordinal),
            glue);
        Assert.Equal(3, glue.Split("public global::System.Threading.Tasks.ValueTask HandleAsync(").Length - 1);
        SnapshotAssert.MatchesVerified(generated.Result);
    }

    [Fact]
    public void Saga_WithTheRuntimeInAField_DelegatesThroughTheField()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public sealed partial class Checkout
                {
                    private readonly SagaRuntime<CheckoutState> _runtime;

                    public Checkout(SagaRuntime<CheckoutState> runtime) => _runtime = runtime;

            """ + Define + """
                }
            }
            """);

        Assert.Contains("=> this._runtime.HandleAsync(@event, cancellationToken);", output.Sources["Shop_Checkout.SagaGlue.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Saga_NestedInAPartialClass_GetsItsGlueInsideTheContainingType()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                public static partial class Sagas
                {
                    [EventHandler]
                    public sealed partial class Checkout(SagaRuntime<CheckoutState> runtime)
                    {
            """ + Define + """
                    }
                }
            }
            """);

        string glue = output.Sources["Shop_Sagas_Checkout.SagaGlue.g.cs"];
        Assert.Contains("partial class Sagas", glue, StringComparison.Ordinal);
        Assert.Contains("_checkout.HandleAsync", output.Table, StringComparison.Ordinal);
    }

    [Fact]
    public void Saga_HandlingOneDeclaredEventByHand_GetsGlueOnlyForTheOthers()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public sealed partial class Checkout(SagaRuntime<CheckoutState> runtime) : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

            """ + Define + """
                }
            }
            """);

        string glue = output.Sources["Shop_Checkout.SagaGlue.g.cs"];
        Assert.DoesNotContain("OrderPlaced", glue, StringComparison.Ordinal);
        Assert.Contains("IEventHandler<global::Shop.StockReserved>", glue, StringComparison.Ordinal);
        Assert.Contains("OrderPlacedDispatcher", output.Table, StringComparison.Ordinal);
    }

    [Fact]
    public void Saga_KeepingAHandleAsyncWithoutItsInterface_GetsTheInterfaceAndNoSecondMethod()
    {
        // A half-done migration: the base list is gone, one shim method is still there. It implements the generated interface.
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public sealed partial class Checkout(SagaRuntime<CheckoutState> runtime)
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

            """ + Define + """
                }
            }
            """);

        string glue = output.Sources["Shop_Checkout.SagaGlue.g.cs"];
        Assert.Contains("IEventHandler<global::Shop.OrderPlaced>", glue, StringComparison.Ordinal);
        Assert.DoesNotContain("HandleAsync(global::Shop.OrderPlaced @event", glue, StringComparison.Ordinal);
        Assert.Contains("HandleAsync(global::Shop.StockReserved @event", glue, StringComparison.Ordinal);
        Assert.Contains("OrderPlacedDispatcher", output.Table, StringComparison.Ordinal);
    }

    [Fact]
    public void Saga_WithEveryShimHandWritten_IsLeftAsItIs()
    {
        // The older form: not partial, every routed event handled by hand. No glue, no diagnostic.
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public sealed class Checkout(SagaRuntime<CheckoutState> runtime) : IEventHandler<OrderPlaced>, IEventHandler<StockReserved>, IEventHandler<OrderShipped>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

                    public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

                    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => runtime.HandleAsync(@event, cancellationToken);

            """ + Define + """
                }
            }
            """);

        Assert.DoesNotContain(output.Sources.Keys, static hint => hint.EndsWith(".SagaGlue.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Saga_NotPartial_ReportsEDG010()
    {
        Diagnostic diagnostic = AssertReported("EDG010", """
            namespace Shop
            {
                [EventHandler]
                public sealed class [|Checkout|](SagaRuntime<CheckoutState> runtime)
                {
                    public SagaRuntime<CheckoutState> Runtime => runtime;

            """ + Define + """
                }
            }
            """);

        Assert.Contains("'Shop.Checkout' declares saga events in Define", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Saga_NestedInAClassThatIsNotPartial_ReportsEDG010()
    {
        AssertReported("EDG010", """
            namespace Shop
            {
                public static class Sagas
                {
                    [EventHandler]
                    public sealed partial class [|Checkout|](SagaRuntime<CheckoutState> runtime)
                    {
            """ + Define + """
                    }
                }
            }
            """);
    }

    [Fact]
    public void Saga_WithoutARuntimeOfItsState_ReportsEDG011()
    {
        Diagnostic diagnostic = AssertReported("EDG011", """
            namespace Shop
            {
                public sealed class OtherState
                {
                }

                [EventHandler]
                public sealed partial class [|Checkout|](SagaRuntime<OtherState> runtime)
                {
                    public SagaRuntime<OtherState> Runtime => runtime;

            """ + Define + """
                }
            }
            """);

        Assert.Contains("no 'global::EventDriven.Sagas.SagaRuntime<Shop.CheckoutState>'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Saga_WithoutDefine_ReportsEDG012InsteadOfEDG003()
    {
        AssertReported("EDG012", """
            namespace Shop
            {
                [EventHandler]
                public sealed partial class [|Checkout|](SagaRuntime<CheckoutState> runtime)
                {
                    public SagaRuntime<CheckoutState> Runtime => runtime;
                }
            }
            """);
    }

    private static GeneratorOutput Generate(string sagas)
        => GeneratorHarness.Run(TestCompilation.Create(
                GeneratorHarness.DefaultAssemblyName,
                [s_sagas],
                TestSources.Events,
                new SourceFile("State.cs", TestSources.Usings + "\n\n" + State),
                Source(sagas)))
            .ShouldCompileCleanly();

    private static SourceFile Source(string text) => TestSources.Handlers("using EventDriven.Sagas;\n\n" + text);

    /// <summary>Exactly one diagnostic, <paramref name="id"/>, an error on the marked span; the saga is left out of the table.</summary>
    private static Diagnostic AssertReported(string id, string marked)
    {
        Markup markup = Markup.Parse("Handlers.cs", TestSources.Usings + "\n\nusing EventDriven.Sagas;\n\n" + marked);
        GeneratorOutput output = GeneratorHarness.Run(TestCompilation.Create(
            GeneratorHarness.DefaultAssemblyName,
            [s_sagas],
            TestSources.Events,
            new SourceFile("State.cs", TestSources.Usings + "\n\n" + State),
            markup.Source));

        Assert.Null(output.Result.Exception);
        Diagnostic diagnostic = Assert.Single(output.Result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(markup.Span, diagnostic.Location.SourceSpan);
        Assert.Null(output.Table);
        Assert.DoesNotContain(output.Sources.Keys, static hint => hint.EndsWith(".SagaGlue.g.cs", StringComparison.Ordinal));
        return diagnostic;
    }
}
