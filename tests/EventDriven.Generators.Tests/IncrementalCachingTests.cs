using System.Reflection;
using EventDriven.Generators.Helpers;
using EventDriven.Generators.Model;
using EventDriven.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Sdk;

namespace EventDriven.Generators.Tests;

/// <summary>
/// The generator must do no work the IDE can see after an edit that does not touch a handler: every tracked step is answered from
/// the cache (<see cref="IncrementalStepRunReason.Cached"/>) or recomputed to an equal value (<see cref="IncrementalStepRunReason.Unchanged"/>).
/// That only holds while specs are plain equatable data, which the spec-graph tests check.
/// </summary>
public sealed class IncrementalCachingTests
{
    private static readonly SourceFile s_handlers = TestSources.Handlers("""
        namespace Shop
        {
            // Reported as EDG001, so the diagnostics step has an output to cache too. First in the file, so that editing the
            // handlers below does not move the location it reports.
            [EventHandler]
            public abstract class Broken : IEventHandler<OrderShipped>
            {
                public abstract ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default);
            }

            [EventHandler(Order = 1)]
            public sealed class ShipOrder(IEventBus bus) : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                    => bus.PublishAsync(new OrderShipped(@event.Id, @event.OccurredAt), cancellationToken);
            }

            [EventHandler]
            public sealed class Audit : IEventHandler<OrderPlaced>, IEventHandler<StockReserved>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;

                ValueTask IEventHandler<StockReserved>.HandleAsync(StockReserved @event, CancellationToken cancellationToken) => default;
            }

            public sealed class CheckoutState
            {
                public Guid OrderId { get; set; }
            }

            // A saga whose IEventHandler glue the generator writes, so the saga glue step has an output to cache too.
            [EventHandler(Idempotent = true)]
            public sealed partial class Checkout(EventDriven.Sagas.SagaRuntime<CheckoutState> runtime)
            {
                public static void Define(EventDriven.Sagas.SagaDefinition<CheckoutState> saga)
                    => saga.StartsWith<OrderPlaced>(static e => e.Id, static (s, e, ctx) => { s.OrderId = e.Id; return default; })
                        .CompleteOn<OrderShipped>(static e => e.Id);
            }
        }
        """);

    private static readonly SourceFile s_pricing = new("Pricing.cs", """
        namespace Shop
        {
            public static class Pricing
            {
                public static decimal WithTax(decimal net) => net * 1.20m;
            }
        }
        """);

    private static readonly SourceFile s_aggregate = new("Order.cs", """
        using EventDriven;
        using EventDriven.Aggregates;

        namespace Shop
        {
            [Aggregate]
            public sealed partial class Order : AggregateRoot
            {
                public int Placed { get; private set; }

                public void Place() => Raise(new OrderPlaced(System.Guid.NewGuid(), System.DateTimeOffset.UnixEpoch));

                private void Apply(OrderPlaced e) => Placed++;
            }
        }
        """);

    public static TheoryData<string> TrackedStepNames => [.. TrackingNames()];

    [Fact]
    public void Driver_AfterEditingAnAggregateCommandBody_WritesNoNewAggregatePart()
    {
        CSharpCompilation compilation = Initial();
        GeneratorDriver driver = FirstRun(compilation);
        SyntaxTree order = compilation.SyntaxTrees.Single(static t => t.FilePath == s_aggregate.Path);

        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(
            order,
            TestCompilation.Parse(s_aggregate with { Text = s_aggregate.Text.Replace("System.DateTimeOffset.UnixEpoch", "System.DateTimeOffset.MaxValue", StringComparison.Ordinal) })));

        Assert.All(
            driver.GetRunResult().Results.Single().TrackedSteps[Generators.TrackingNames.Aggregates].SelectMany(static s => s.Outputs),
            static o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void Driver_AfterEditingASagaStepBody_WritesNoNewSagaGlue()
    {
        CSharpCompilation compilation = Initial();
        GeneratorDriver driver = FirstRun(compilation);
        SyntaxTree handlers = compilation.SyntaxTrees.Single(static t => t.FilePath == s_handlers.Path);

        // Only what a step does changed, not which events Define routes (and nothing before the edit moved).
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(
            handlers,
            TestCompilation.Parse(s_handlers with { Text = s_handlers.Text.Replace("s.OrderId = e.Id;", "s.OrderId = default;", StringComparison.Ordinal) })));

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.All(
            result.TrackedSteps[Generators.TrackingNames.SagaGlue].SelectMany(static s => s.Outputs),
            static output => Assert.True(output.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, output.Reason.ToString()));
        AssertEveryTrackedStepCachedOrUnchanged(driver.GetRunResult());
    }

    [Fact]
    public void Driver_AfterRoutingAnotherEventToASaga_RegeneratesItsGlue()
    {
        CSharpCompilation compilation = Initial();
        GeneratorDriver driver = FirstRun(compilation);
        SyntaxTree handlers = compilation.SyntaxTrees.Single(static t => t.FilePath == s_handlers.Path);

        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(
            handlers,
            TestCompilation.Parse(s_handlers with
            {
                Text = s_handlers.Text.Replace(".CompleteOn<OrderShipped>(static e => e.Id);", ".CompleteOn<OrderShipped>(static e => e.Id).CompensateOn<StockReserved>(static e => e.Id);", StringComparison.Ordinal),
            })));

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Contains(
            result.TrackedSteps[Generators.TrackingNames.SagaGlue].SelectMany(static s => s.Outputs),
            static output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(
            "IEventHandler<global::Shop.StockReserved>",
            result.GeneratedSources.Single(static s => s.HintName == "Shop_Checkout.SagaGlue.g.cs").SourceText.ToString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Driver_AfterAddingAnUnrelatedFile_ServesEveryTrackedStepFromCache()
    {
        CSharpCompilation compilation = Initial();
        GeneratorDriver driver = FirstRun(compilation);

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(TestCompilation.Parse(new SourceFile("Customers.cs", """
            namespace Shop.Customers
            {
                public sealed class Customer
                {
                    public string Name { get; set; } = "";
                }
            }
            """))));

        AssertEveryTrackedStepCachedOrUnchanged(driver.GetRunResult());
    }

    [Fact]
    public void Driver_AfterEditingAMethodBodyInAnUnrelatedFile_ServesEveryTrackedStepFromCache()
    {
        CSharpCompilation compilation = Initial();
        GeneratorDriver driver = FirstRun(compilation);
        SyntaxTree pricing = compilation.SyntaxTrees.Single(static t => t.FilePath == s_pricing.Path);

        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(
            pricing,
            TestCompilation.Parse(s_pricing with { Text = s_pricing.Text.Replace("1.20m", "1.07m", StringComparison.Ordinal) })));

        AssertEveryTrackedStepCachedOrUnchanged(driver.GetRunResult());
    }

    [Fact]
    public void Driver_AfterEditingAHandlerMethodBodyThatChangesNoSpec_RecomputesToUnchanged()
    {
        CSharpCompilation compilation = Initial();
        GeneratorDriver driver = FirstRun(compilation);
        SyntaxTree handlers = compilation.SyntaxTrees.Single(static t => t.FilePath == s_handlers.Path);

        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(
            handlers,
            TestCompilation.Parse(s_handlers with
            {
                Text = s_handlers.Text.Replace(
                    "HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;",
                    "HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) { _ = @event.Id; return default; }",
                    StringComparison.Ordinal),
            })));

        AssertEveryTrackedStepCachedOrUnchanged(driver.GetRunResult());
        Assert.Contains(
            driver.GetRunResult().Results.Single().TrackedSteps[Generators.TrackingNames.Handlers].SelectMany(static s => s.Outputs),
            static o => o.Reason == IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Driver_AfterChangingAHandlersOrder_ReportsTheTableModified()
    {
        // The control for the tests above: a real change must get through, or "all cached" would prove nothing.
        CSharpCompilation compilation = Initial();
        GeneratorDriver driver = FirstRun(compilation);
        SyntaxTree handlers = compilation.SyntaxTrees.Single(static t => t.FilePath == s_handlers.Path);

        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(
            handlers,
            TestCompilation.Parse(s_handlers with { Text = s_handlers.Text.Replace("Order = 1", "Order = -1", StringComparison.Ordinal) })));

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[Generators.TrackingNames.Table].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedSteps[Generators.TrackingNames.Handlers].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void Driver_AfterAddingAPropertyToAHandledEvent_ReportsTheCatalogModifiedAndTheTableNot()
    {
        // The catalog reads event types declared outside the handler's file: an edit there must reach it, and only it.
        CSharpCompilation compilation = Initial();
        GeneratorDriver driver = FirstRun(compilation);
        SyntaxTree events = compilation.SyntaxTrees.Single(static t => t.FilePath == TestSources.Events.Path);

        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(
            events,
            TestCompilation.Parse(TestSources.Events with
            {
                Text = TestSources.Events.Text.Replace(
                    "public string Source => \"Shop.Orders\";",
                    "public string Source => \"Shop.Orders\";\n        public int Quantity { get; init; }",
                    StringComparison.Ordinal),
            })));

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[Generators.TrackingNames.Catalog].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.All(result.TrackedSteps[Generators.TrackingNames.Table].SelectMany(static s => s.Outputs), static o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.Contains("Quantity", result.GeneratedSources.Single(static s => s.HintName == "EventTypeCatalog.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TrackedStepNames))]
    public void TrackedStep_Outputs_HoldNoSymbolSyntaxLocationOrCompilation(string stepName)
    {
        CSharpCompilation compilation = Initial();
        GeneratorDriver first = FirstRun(compilation);
        GeneratorDriver second = first.RunGenerators(compilation.AddSyntaxTrees(TestCompilation.Parse(new SourceFile("Empty.cs", "namespace Shop { }"))));

        // Both the freshly computed outputs and the ones served from cache.
        foreach (GeneratorRunResult result in new[] { first.GetRunResult().Results.Single(), second.GetRunResult().Results.Single() })
        {
            IncrementalGeneratorRunStep[] steps = [.. result.TrackedSteps[stepName]];
            Assert.NotEmpty(steps.SelectMany(static s => s.Outputs));
            string[] problems =
            [
                .. steps.SelectMany(static s => s.Outputs).SelectMany((output, i) => SpecGraph.FindRoslynObjects(output.Value, $"{stepName}[{i}]")),
            ];
            Assert.True(problems.Length == 0, "Pipeline outputs must be plain equatable data:\n" + string.Join("\n", problems));
        }
    }

    [Fact]
    public void SpecGraph_FindsALocationHiddenInsideAnEquatableArray()
    {
        // The walker's own control: it must see through records, EquatableArray and arrays.
        SyntaxTree tree = CSharpSyntaxTree.ParseText("class C { }");
        var spec = new EquatableArray<Holder>([new Holder("plain"), new Holder(tree.GetRoot().GetLocation())]);

        IReadOnlyList<string> found = SpecGraph.FindRoslynObjects(new Holder(spec), "spec");

        Assert.Equal(["spec.Value._items[1].Value is a Location (Microsoft.CodeAnalysis.SourceLocation)"], found);
    }

    [Fact]
    public void SpecGraph_AcceptsAHandlerSpecOfPlainData()
    {
        var spec = new HandlerSpec(
            "global::Shop.Audit",
            "Shop.Audit",
            "Audit",
            Order: 0,
            Idempotent: true,
            Inbox: true,
            new EquatableArray<HandledEventSpec>([new HandledEventSpec("global::Shop.OrderPlaced", "Shop.OrderPlaced", "OrderPlaced", DirectCall: true)]),
            new EquatableArray<ParameterSpec>([new ParameterSpec("int", "(int)3")]),
            new EquatableArray<string>(["Shop.OrderShipped"]));

        Assert.Empty(SpecGraph.FindRoslynObjects(spec, "spec"));
    }

    [Fact]
    public void SpecGraph_AcceptsAnEventTypeSpecOfPlainData()
    {
        var spec = new EventTypeSpec(
            "global::Shop.OrderPlaced",
            "Shop.OrderPlaced",
            "OrderPlaced",
            SchemaVersion: 2,
            new EquatableArray<JsonTypeSpec>(
            [
                new JsonTypeSpec("int", JsonTypeKind.Value, "Int32Converter", null, null, null),
                new JsonTypeSpec("global::Shop.OrderPlaced", JsonTypeKind.Object, null, null, null, new JsonObjectSpec(
                    IsValueType: false,
                    UsesParameterizedCreator: true,
                    new EquatableArray<JsonParameterSpec>([new JsonParameterSpec("Count", "int", IsNullable: false, "(int)1", IsMemberInitializer: false)]),
                    new EquatableArray<JsonPropertySpec>([new JsonPropertySpec("Count", "int", "count", "global::Shop.OrderPlaced", HasPublicSetter: false, IsVirtual: false, null)]))),
            ]));

        Assert.Empty(SpecGraph.FindRoslynObjects(spec, "spec"));
    }

    private static CSharpCompilation Initial()
        => TestCompilation.Create("Shop", [MetadataReference.CreateFromFile(typeof(Sagas.SagaRuntime<>).Assembly.Location)], TestSources.Events, s_handlers, s_pricing, s_aggregate);

    private static GeneratorDriver FirstRun(CSharpCompilation compilation)
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);

        // Every tracked step must have run and produced something, or asserting on its reasons later would pass vacuously.
        foreach (string name in TrackingNames())
        {
            Assert.True(result.TrackedSteps.TryGetValue(name, out var steps) && steps.Any(static s => s.Outputs.Length > 0), $"Step '{name}' produced no output.");
        }

        return driver;
    }

    private static void AssertEveryTrackedStepCachedOrUnchanged(GeneratorDriverRunResult run)
    {
        GeneratorRunResult result = run.Results.Single();
        Assert.Null(result.Exception);
        string[] recomputed =
        [
            .. from name in TrackingNames()
               from step in result.TrackedSteps[name]
               from output in step.Outputs
               where output.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)
               select $"{name}: {output.Reason} {output.Value}",
        ];
        if (recomputed.Length > 0)
        {
            throw new XunitException("Steps that were not served from cache after an unrelated edit:\n" + string.Join("\n", recomputed));
        }
    }

    /// <summary>Every constant of <c>TrackingNames</c>, so a step added later is covered without touching these tests.</summary>
    private static IEnumerable<string> TrackingNames()
        => typeof(Generators.TrackingNames)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(static f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(static f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);

    private sealed record Holder(object Value);
}
