using EventDriven.Generators.Tests.Infrastructure;
using EventDriven.Generators.Tests.Snapshots;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Tests;

/// <summary>
/// <c>[EventHandler(Lifetime = ...)]</c> and the assembly's <c>[EventHandlerDefaults]</c>: a singleton is held and called on its
/// concrete type as before; a scoped handler is held as a <c>ScopedHandler</c> (a scope per call) and registered scoped; a transient
/// one as a <c>TransientHandler</c>. Singletons and transients get the start-up check of their constructor's dependencies.
/// </summary>
public sealed partial class DispatchTableSnapshotTests
{
    private const string AddScoped = "ServiceCollectionDescriptorExtensions.TryAddScoped<";
    private const string AddTransient = "ServiceCollectionDescriptorExtensions.TryAddTransient<";
    private const string AddSingleton = "ServiceCollectionDescriptorExtensions.TryAddSingleton<";

    [Fact]
    public void Handler_Scoped_IsHeldAsAScopedHandlerAndRegisteredScoped_WhileTheSingletonBesideItStaysDirect()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                public sealed class CatalogContext;

                [EventHandler(Lifetime = HandlerLifetime.Scoped)]
                public sealed class ReduceStock(CatalogContext context) : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => context is null ? default : default;
                }

                [EventHandler(Order = 1)]
                public sealed class SendConfirmation : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        string placed = Dispatcher(output, "OrderPlacedDispatcher");
        Assert.Contains("private readonly global::EventDriven.Dispatch.ScopedHandler<global::Shop.ReduceStock, global::Shop.OrderPlaced> _reduceStock;", placed);
        Assert.Contains("private readonly global::Shop.SendConfirmation _sendConfirmation;", placed);
        Assert.Contains("case 0: return _reduceStock.HandleAsync(@event, cancellationToken);", placed);
        Assert.Contains(AddScoped + "global::Shop.ReduceStock>(services, static serviceProvider => new global::Shop.ReduceStock(", output.Table!);
        Assert.Contains(AddSingleton + "global::Shop.SendConfirmation>", output.Table!);
        Assert.Contains("new global::EventDriven.Dispatch.ScopedHandler<global::Shop.ReduceStock, global::Shop.OrderPlaced>(services)", output.Table!);

        // The scoped handler is resolved in its scope, where its scoped CatalogContext is legal: no root check for it.
        Assert.DoesNotContain("RequireRootResolvable(services, \"Shop.ReduceStock\"", output.Table!);
        Assert.Contains("RequireRootResolvable(services, \"Shop.SendConfirmation\", (global::EventDriven.HandlerLifetime)1, typeof(global::Shop.SendConfirmation));", output.Table!);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_Transient_IsHeldAsATransientHandlerAndItsDependenciesAreChecked()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                public sealed class Clock;

                [EventHandler(Lifetime = HandlerLifetime.Transient, Inbox = true)]
                public sealed class Audit(Clock clock) : IEventHandler<OrderPlaced>
                {
                    ValueTask IEventHandler<OrderPlaced>.HandleAsync(OrderPlaced @event, CancellationToken cancellationToken) => clock is null ? default : default;
                }
            }
            """);

        string placed = Dispatcher(output, "OrderPlacedDispatcher");
        Assert.Contains(
            "case 0: return " + InboxCall + "<global::EventDriven.Dispatch.TransientHandler<global::Shop.Audit, global::Shop.OrderPlaced>, global::Shop.OrderPlaced>(_inbox, \"Shop.Audit\", _audit, @event, cancellationToken);",
            placed);
        Assert.Contains(AddTransient + "global::Shop.Audit>", output.Table!);
        Assert.Contains("RequireRootResolvable(services, \"Shop.Audit\", (global::EventDriven.HandlerLifetime)3, typeof(global::Shop.Audit), typeof(global::Shop.Clock));", output.Table!);
    }

    [Fact]
    public void AssemblyDefault_Scoped_AppliesToHandlersThatDoNotChoose_AndAnExplicitSingletonKeepsItsOwn()
    {
        GeneratorOutput output = Generate("""
            [assembly: EventHandlerDefaults(Lifetime = HandlerLifetime.Scoped)]

            namespace Shop
            {
                [EventHandler]
                public sealed class ReduceStock : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler(Lifetime = HandlerLifetime.Singleton)]
                public sealed class Metrics : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Contains(AddScoped + "global::Shop.ReduceStock>", output.Table!);
        Assert.Contains(AddSingleton + "global::Shop.Metrics>", output.Table!);
        Assert.Contains("ScopedHandler<global::Shop.ReduceStock, global::Shop.OrderPlaced> _reduceStock;", Dispatcher(output, "OrderPlacedDispatcher"));
        Assert.Contains("private readonly global::Shop.Metrics _metrics;", Dispatcher(output, "OrderPlacedDispatcher"));
    }

    [Fact]
    public void Handler_TransientAndDisposable_ReportsEDG013AndIsLeftOut()
    {
        GeneratorOutput output = GeneratorHarness.Run(TestSources.Events, TestSources.Handlers("""
            namespace Shop
            {
                [EventHandler(Lifetime = HandlerLifetime.Transient)]
                public sealed class Leaky : IEventHandler<OrderPlaced>, System.IDisposable
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;

                    public void Dispose()
                    {
                    }
                }
            }
            """));

        Diagnostic diagnostic = Assert.Single(output.Result.Diagnostics);
        Assert.Equal("EDG013", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("'Shop.Leaky' is a transient handler (by its [EventHandler] attribute) and disposable", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Null(output.Table);
    }

    [Fact]
    public void AssemblyDefault_Transient_OnADisposableHandler_ReportsEDG013()
    {
        GeneratorOutput output = GeneratorHarness.Run(TestSources.Events, TestSources.Handlers("""
            [assembly: EventHandlerDefaults(Lifetime = HandlerLifetime.Transient)]

            namespace Shop
            {
                [EventHandler]
                public sealed class Leaky : IEventHandler<OrderPlaced>, System.IAsyncDisposable
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;

                    public ValueTask DisposeAsync() => default;
                }
            }
            """));

        Diagnostic diagnostic = Assert.Single(output.Result.Diagnostics, static d => d.Id == "EDG013");
        Assert.Contains("'Shop.Leaky' is a transient handler (by the assembly's [EventHandlerDefaults]) and disposable", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
