using EventDriven.Generators.Tests.Infrastructure;
using EventDriven.Generators.Tests.Snapshots;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Tests;

/// <summary>
/// An <c>[Aggregate]</c> gets a generated part: the factory, the snapshot members and the <c>ApplyEvent</c> type switch calling each
/// <c>Apply</c> directly, most derived type first. A class that cannot have one is reported (EDG014-EDG016) and gets none; an
/// <c>Apply</c> the switch cannot call is reported (EDG017) and left out.
/// </summary>
public sealed class AggregateGeneratorTests
{
    private const string Usings = TestSources.Usings + """

        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;
        using EventDriven.Aggregates;

        """;

    [Fact]
    public void Aggregate_GetsATypeSwitchMostDerivedFirst_AFactoryAndSnapshotMembers_AndCompilesCleanly()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                public record LineAdded(Guid Id, DateTimeOffset OccurredAt, string Sku) : IEvent
                {
                    public virtual string EventType => "LineAdded";
                    public string Source => "Shop";
                }

                public sealed record GiftAdded(Guid Id, DateTimeOffset OccurredAt, string Sku) : LineAdded(Id, OccurredAt, Sku)
                {
                    public override string EventType => "GiftAdded";
                }

                public sealed record CartState(int Lines);

                [Aggregate(SnapshotEvery = 20)]
                public sealed partial class Cart : AggregateRoot, ISnapshotable<CartState>
                {
                    private int _lines;

                    private Cart() { }

                    public static int SnapshotVersion => 1;

                    public static JsonTypeInfo<CartState> SnapshotJson => (JsonTypeInfo<CartState>)System.Text.Json.JsonSerializerOptions.Default.GetTypeInfo(typeof(CartState));

                    public CartState TakeSnapshot() => new(_lines);

                    public void RestoreSnapshot(CartState snapshot) => _lines = snapshot.Lines;

                    private void Apply(LineAdded e) => _lines++;

                    private void Apply(GiftAdded e) => _lines += 2;

                    private void Apply(in StockReserved e) { }
                }
            }
            """).ShouldCompileCleanly();

        Assert.Empty(output.Result.Diagnostics);
        string part = output.Sources["Shop_Cart.Aggregate.g.cs"];
        Assert.True(part.IndexOf("case global::Shop.GiftAdded", StringComparison.Ordinal) < part.IndexOf("case global::Shop.LineAdded", StringComparison.Ordinal), part);
        Assert.Contains("this.Apply(in e", part, StringComparison.Ordinal);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Aggregate_NotPartial_ReportsEDG014_AndGetsNoPart()
        => AssertReported("EDG014", """
            namespace Shop
            {
                [Aggregate]
                public sealed class [|Order|] : AggregateRoot
                {
                    protected override bool ApplyEvent(IEvent e) => false;
                }
            }
            """);

    [Theory]
    [InlineData("public sealed partial class [|Order|] { }", "it does not derive from EventDriven.Aggregates.AggregateRoot")]
    [InlineData("public abstract partial class [|Order|] : AggregateRoot { }", "it is abstract")]
    [InlineData("public sealed partial class [|Order|]<T> : AggregateRoot { }", "it is generic")]
    [InlineData("[Aggregate(SnapshotEvery = 10)] public sealed partial class [|Order|] : AggregateRoot { }", "SnapshotEvery is 10 but it does not implement ISnapshotable<TSnapshot>")]
    public void Aggregate_ThatCannotBeOne_ReportsEDG015_SayingWhy(string declaration, string reason)
    {
        Diagnostic diagnostic = AssertReported("EDG015", "namespace Shop\n{\n" + (declaration.StartsWith('[') ? declaration : "[Aggregate] " + declaration) + "\n}\n");
        Assert.Contains(reason, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Aggregate_WithoutAParameterlessConstructor_ReportsEDG016()
        => AssertReported("EDG016", """
            namespace Shop
            {
                [Aggregate]
                public sealed partial class [|Order|](string owner) : AggregateRoot
                {
                    public string Owner => owner;

                    protected override bool ApplyEvent(IEvent e) => false;
                }
            }
            """);

    [Fact]
    public void Apply_MethodsTheSwitchCannotCall_ReportEDG017_AndTheOthersAreStillCalled()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [Aggregate]
                public sealed partial class Order : AggregateRoot
                {
                    private void Apply(OrderPlaced e) { }

                    private async void Apply(OrderShipped e) => await Task.Yield();

                    private bool Apply(StockReserved e) => true;

                    private void Apply(IEvent e) { }

                    private static void Apply(OrderPlaced e, int times) { }
                }
            }
            """);

        Assert.Equal(
            new[] { "it must return void and change the state synchronously (replay cannot await)", "it must return void and change the state synchronously (replay cannot await)", "it is static", "it takes IEvent itself; take each concrete event type" }.OrderBy(m => m, StringComparer.Ordinal),
            output.Result.Diagnostics.Select(d => { Assert.Equal("EDG017", d.Id); Assert.Equal(DiagnosticSeverity.Warning, d.Severity); return d.GetMessage()[(d.GetMessage().IndexOf(": ", StringComparison.Ordinal) + 2)..]; }).OrderBy(m => m, StringComparer.Ordinal));
        string part = output.Sources["Shop_Order.Aggregate.g.cs"];
        Assert.Contains("case global::Shop.OrderPlaced", part, StringComparison.Ordinal);
        Assert.DoesNotContain("OrderShipped", part, StringComparison.Ordinal);
        Assert.DoesNotContain("StockReserved", part, StringComparison.Ordinal);
    }

    private static GeneratorOutput Generate(string source)
        => GeneratorHarness.Run(TestSources.Events, new SourceFile("Aggregates.cs", Usings + "\n" + source));

    private static Diagnostic AssertReported(string id, string marked)
    {
        Markup markup = Markup.Parse("Aggregates.cs", Usings + "\n" + marked);
        GeneratorOutput output = GeneratorHarness.Run(TestSources.Events, markup.Source);
        Assert.Null(output.Result.Exception);
        Diagnostic diagnostic = Assert.Single(output.Result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(markup.Span, diagnostic.Location.SourceSpan);
        Assert.DoesNotContain(output.Sources.Keys, k => k.EndsWith(".Aggregate.g.cs", StringComparison.Ordinal));
        return diagnostic;
    }
}
