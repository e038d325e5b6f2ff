using EventDriven.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Tests;

/// <summary>
/// Every reason a marked class cannot go into the table is reported as an error on the class name, and the class is left out
/// while the valid handler beside it (<c>Shop.Good</c>) is still generated.
/// </summary>
public sealed class GeneratorDiagnosticTests
{
    private static readonly SourceFile s_good = new("Good.cs", TestSources.Usings + """


        namespace Shop
        {
            [EventHandler]
            public sealed class Good : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }
        }
        """);

    [Fact]
    public void Handler_WithAbstractClass_ReportsEDG001()
    {
        Diagnostic diagnostic = AssertReported("EDG001", "Shop.Bad", """
            namespace Shop
            {
                [EventHandler]
                public abstract class [|Bad|] : IEventHandler<OrderPlaced>
                {
                    public abstract ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default);
                }
            }
            """);

        Assert.Contains("'Shop.Bad' is marked [EventHandler] but is abstract", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_WithOpenGenericClass_ReportsEDG002()
    {
        AssertReported("EDG002", "Shop.Bad", """
            namespace Shop
            {
                [EventHandler]
                public sealed class [|Bad|]<TEvent> : IEventHandler<TEvent>
                    where TEvent : IEvent
                {
                    public ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);
    }

    [Fact]
    public void Handler_NestedInAGenericClass_ReportsEDG002()
    {
        AssertReported("EDG002", "Shop.Outer", """
            namespace Shop
            {
                public static class Outer<T>
                {
                    [EventHandler]
                    public sealed class [|Bad|] : IEventHandler<OrderPlaced>
                    {
                        public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                    }
                }
            }
            """);
    }

    [Fact]
    public void Handler_WithoutAnyIEventHandler_ReportsEDG003()
    {
        AssertReported("EDG003", "Shop.Bad", """
            namespace Shop
            {
                [EventHandler]
                public sealed class [|Bad|]
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);
    }

    [Fact]
    public void Handler_PrivateNested_ReportsEDG004()
    {
        Diagnostic diagnostic = AssertReported("EDG004", "Shop.Outer.Bad", """
            namespace Shop
            {
                public sealed class Outer
                {
                    [EventHandler]
                    private sealed class [|Bad|] : IEventHandler<OrderPlaced>
                    {
                        public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                    }
                }
            }
            """);

        Assert.Contains("the handler 'Shop.Outer.Bad' is private", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_NestedInAPrivateClass_ReportsEDG004()
    {
        Diagnostic diagnostic = AssertReported("EDG004", "Shop.Outer.Hidden.Bad", """
            namespace Shop
            {
                public sealed class Outer
                {
                    private static class Hidden
                    {
                        [EventHandler]
                        public sealed class [|Bad|] : IEventHandler<OrderPlaced>
                        {
                            public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                        }
                    }
                }
            }
            """);

        Assert.Contains("is nested in the private type 'Hidden'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_FileLocal_ReportsEDG004()
    {
        Diagnostic diagnostic = AssertReported("EDG004", "Shop.Bad", """
            namespace Shop
            {
                [EventHandler]
                file sealed class [|Bad|] : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Contains("is file-local", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_OfAPrivateNestedEventType_ReportsEDG004()
    {
        Diagnostic diagnostic = AssertReported("EDG004", "Shop.Outer.Bad", """
            namespace Shop
            {
                public sealed class Outer
                {
                    private sealed record Secret(Guid Id, DateTimeOffset OccurredAt) : IEvent
                    {
                        public string EventType => "Secret";
                        public string Source => "Shop";
                    }

                    [EventHandler]
                    internal sealed class [|Bad|] : IEventHandler<Secret>
                    {
                        public ValueTask HandleAsync(Secret @event, CancellationToken cancellationToken = default) => default;
                    }
                }
            }
            """);

        Assert.Contains("its event type 'Shop.Outer.Secret' is private", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_StaticClass_ReportsEDG005()
    {
        AssertReported("EDG005", "Shop.Bad", """
            namespace Shop
            {
                [EventHandler]
                public static class [|Bad|]
                {
                    public static ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """,
            alsoExpected: ["EDG003"]);
    }

    [Fact]
    public void Handler_WithoutAccessibleConstructor_ReportsEDG005()
    {
        AssertReported("EDG005", "Shop.Bad", """
            namespace Shop
            {
                [EventHandler]
                public sealed class [|Bad|] : IEventHandler<OrderPlaced>
                {
                    private Bad()
                    {
                    }

                    public static Bad Create() => new();

                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);
    }

    [Fact]
    public void Handler_WithTwoLongestConstructors_ReportsEDG006()
    {
        Diagnostic diagnostic = AssertReported("EDG006", "Shop.Bad", """
            namespace Shop
            {
                [EventHandler]
                public sealed class [|Bad|] : IEventHandler<OrderPlaced>
                {
                    public Bad()
                    {
                    }

                    public Bad(IEventBus bus)
                    {
                        Bus = bus;
                    }

                    public Bad(IServiceProvider services)
                    {
                        Services = services;
                    }

                    public IEventBus? Bus { get; }

                    public IServiceProvider? Services { get; }

                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Contains("'Shop.Bad' has 2 constructors with 1 parameters", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_WithActivatorUtilitiesConstructor_IsNotAmbiguousAndUsesTheMarkedOne()
    {
        GeneratorOutput output = GeneratorHarness.Run(TestSources.Events, s_good, TestSources.Handlers("""
            namespace Shop
            {
                [EventHandler]
                public sealed class Chosen : IEventHandler<OrderPlaced>
                {
                    public Chosen(IEventBus bus)
                    {
                        Bus = bus;
                    }

                    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
                    public Chosen(IServiceProvider services)
                    {
                        Services = services;
                    }

                    public IEventBus? Bus { get; }

                    public IServiceProvider? Services { get; }

                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """)).ShouldCompileCleanly();

        Assert.Contains("new global::Shop.Chosen(global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<global::System.IServiceProvider>(serviceProvider))", output.Table);
        Assert.DoesNotContain("GetRequiredService<global::EventDriven.IEventBus>", output.Table);
    }

    [Fact]
    public void Generator_WithBrokenHandlers_DoesNotThrowAndStillGeneratesTheValidOnes()
    {
        // Each class is wrong in a way the compiler reports; the generator must neither throw (CS8785) nor lose Shop.Good.
        GeneratorOutput output = GeneratorHarness.Run(TestSources.Events, s_good, TestSources.Handlers("""
            namespace Shop
            {
                [EventHandler]
                public sealed class UnknownEvent : IEventHandler<DoesNotExist>
                {
                    public ValueTask HandleAsync(DoesNotExist @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler]
                public sealed class MissingMethod : IEventHandler<OrderPlaced>
                {
                }

                [EventHandler]
                public sealed class UnknownDependency(NoSuchService service) : IEventHandler<OrderShipped>
                {
                    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => service.Go();
                }

                [EventHandler(Order = "first")]
                public sealed class BadOrder : IEventHandler<OrderShipped>
                {
                    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler]
                public sealed class NotAnEvent : IEventHandler<int>, IEventHandler<OrderPlaced[]>
                {
                    public ValueTask HandleAsync(int @event, CancellationToken cancellationToken = default) => default;

                    public ValueTask HandleAsync(OrderPlaced[] @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler]
                public sealed class Cyclic : Cyclic
                {
                }

                [EventHandler]
                public readonly record struct StructHandler(int Value) : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler]
                public sealed class Unfinished : IEventHandler<
            }
            """));

        Assert.Null(output.Result.Exception);
        Assert.DoesNotContain(output.GeneratorDiagnostics, static d => d.Id == "CS8785");
        Assert.Contains(output.Input.GetDiagnostics(), static d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("TryAddSingleton<global::Shop.Good>", output.Table);
        Assert.Contains("_good.HandleAsync(@event, cancellationToken)", output.Table);
    }

    /// <summary>
    /// Runs the generator over <paramref name="marked"/> and <c>Shop.Good</c>; asserts exactly one <paramref name="id"/> error on the
    /// marked span (plus <paramref name="alsoExpected"/>, on the same span) and that the table names <c>Good</c> but nowhere
    /// mentions <paramref name="excluded"/>.
    /// </summary>
    private static Diagnostic AssertReported(string id, string excluded, string marked, string[]? alsoExpected = null)
    {
        Markup markup = Markup.Parse("Handlers.cs", TestSources.Usings + "\n\n" + marked);
        GeneratorOutput output = GeneratorHarness.Run(TestSources.Events, s_good, markup.Source);

        Assert.Null(output.Result.Exception);
        Assert.Equal(
            [id, .. alsoExpected ?? []],
            output.Result.Diagnostics.Select(static d => d.Id).OrderBy(i => i == id ? 0 : 1).ThenBy(static i => i, StringComparer.Ordinal));
        foreach (Diagnostic reported in output.Result.Diagnostics)
        {
            Assert.Equal(DiagnosticSeverity.Error, reported.Severity);
            Assert.Equal(markup.Source.Path, reported.Location.GetLineSpan().Path);
            Assert.Equal(markup.Span, reported.Location.SourceSpan);
        }

        string table = output.Table ?? throw new InvalidOperationException("Shop.Good should still have produced a table.");
        Assert.Contains("global::Shop.Good", table);
        Assert.DoesNotContain(excluded, table, StringComparison.Ordinal);
        return output.Result.Diagnostics.Single(d => d.Id == id);
    }
}
