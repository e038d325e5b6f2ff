using System.Text.RegularExpressions;
using EventDriven.Generators.Tests.Infrastructure;
using EventDriven.Generators.Tests.Snapshots;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Tests;

/// <summary>
/// What the generator writes for each shape of handler, checked against reviewed snapshots, and proven to compile (with the input,
/// against the real runtime assembly) without errors or warnings. Each test also asserts the one property it is about, so a
/// carelessly accepted snapshot cannot hide a regression.
/// </summary>
public sealed partial class DispatchTableSnapshotTests
{
    [Fact]
    public void Handler_Sealed_IsCalledDirectlyOnItsConcreteType()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public sealed class SendConfirmation : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Equal(["_sendConfirmation.HandleAsync"], Calls(output, "OrderPlacedDispatcher"));
        Assert.Equal(
            ["EventDispatchTable.g.cs", "EventDrivenModuleInitializer.g.cs", "EventDrivenTopology.g.cs", "EventTypeCatalog.g.cs"],
            output.Result.GeneratedSources.Select(static s => s.HintName).Order(StringComparer.Ordinal));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_NotSealed_IsCalledDirectlyAndSoIsItsMarkedSubclass()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public class AuditTrail : IEventHandler<OrderPlaced>
                {
                    public virtual ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler(Order = 1)]
                public sealed class DetailedAuditTrail : AuditTrail
                {
                    public override ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Equal(["_auditTrail.HandleAsync", "_detailedAuditTrail.HandleAsync"], Calls(output, "OrderPlacedDispatcher"));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_WithTwoEvents_GetsOneDispatcherPerEventAndOneInstance()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler(Idempotent = true)]
                public sealed class Audit : IEventHandler<OrderShipped>, IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;

                    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Equal(["_audit.HandleAsync"], Calls(output, "OrderPlacedDispatcher"));
        Assert.Equal(["_audit.HandleAsync"], Calls(output, "OrderShippedDispatcher"));
        Assert.Single(Regex.Matches(output.Table!, "TryAddSingleton<global::Shop.Audit>"));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_ThroughGenericBaseClass_IsRoutedForTheClosedEventType()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                public abstract class Recorder<TEvent> : IEventHandler<TEvent>
                    where TEvent : IEvent
                {
                    public virtual ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler]
                public sealed class RecordPlaced : Recorder<OrderPlaced>
                {
                }

                [EventHandler]
                public sealed class RecordShipped : Recorder<OrderShipped>
                {
                    public override ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Equal(["_recordPlaced.HandleAsync"], Calls(output, "OrderPlacedDispatcher"));
        Assert.Equal(["_recordShipped.HandleAsync"], Calls(output, "OrderShippedDispatcher"));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_WithExplicitImplementation_IsCalledThroughTheInterface()
    {
        // The public HandleAsync(OrderPlaced) is a decoy: the interface is implemented explicitly, so a direct call would run the
        // wrong method.
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public sealed class Reconcile : IEventHandler<OrderPlaced>, IEventHandler<OrderShipped>
                {
                    public int DecoyCalls { get; private set; }

                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken)
                    {
                        DecoyCalls++;
                        return default;
                    }

                    ValueTask IEventHandler<OrderPlaced>.HandleAsync(OrderPlaced @event, CancellationToken cancellationToken) => default;

                    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Equal(["((global::EventDriven.IEventHandler<global::Shop.OrderPlaced>)_reconcile).HandleAsync"], Calls(output, "OrderPlacedDispatcher"));
        Assert.Equal(["_reconcile.HandleAsync"], Calls(output, "OrderShippedDispatcher"));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_DeclaredPartialOverTwoFiles_IsGeneratedOnceWithEverything()
    {
        GeneratorOutput output = GeneratorHarness.Run(
            TestSources.Events,
            new SourceFile("Fulfil.cs", TestSources.Usings + """


                namespace Shop
                {
                    [EventHandler(Order = 2)]
                    public sealed partial class Fulfil : IEventHandler<OrderPlaced>
                    {
                        private readonly IEventBus _bus;

                        public Fulfil(IEventBus bus) => _bus = bus;
                    }
                }
                """),
            new SourceFile("Fulfil.Stock.cs", TestSources.Usings + """


                namespace Shop
                {
                    public sealed partial class Fulfil : IEventHandler<StockReserved>
                    {
                        public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                            => _bus.PublishAsync(new StockReserved(@event.Id, @event.OccurredAt), cancellationToken);

                        public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken = default) => default;
                    }
                }
                """)).ShouldCompileCleanly();

        Assert.Single(Regex.Matches(output.Table!, "TryAddSingleton<global::Shop.Fulfil>"));
        Assert.Equal(["_fulfil.HandleAsync"], Calls(output, "OrderPlacedDispatcher"));
        Assert.Equal(["_fulfil.HandleAsync"], Calls(output, "StockReservedDispatcher"));
        Assert.Contains("""new global::EventDriven.Dispatch.HandlerDescriptor("Shop.Fulfil", 2, false, new string[] { "Shop.StockReserved" });""", Flat(output));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_NestedInClasses_IsNamedThroughItsContainingTypes()
    {
        // Two handlers share the simple name Notify: their fields must still get distinct names.
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                public static class Billing
                {
                    [EventHandler]
                    public sealed class Notify : IEventHandler<OrderPlaced>
                    {
                        public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                    }
                }

                internal sealed class Shipping
                {
                    internal static class Couriers
                    {
                        [EventHandler]
                        internal sealed class Notify : IEventHandler<OrderPlaced>
                        {
                            public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                        }
                    }
                }
            }
            """);

        Assert.Equal(["_notify.HandleAsync", "_notify2.HandleAsync"], Calls(output, "OrderPlacedDispatcher"));
        Assert.Contains("TryAddSingleton<global::Shop.Billing.Notify>", output.Table);
        Assert.Contains("TryAddSingleton<global::Shop.Shipping.Couriers.Notify>", output.Table);
        Assert.Contains("\"Shop.Shipping.Couriers.Notify\"", output.Table);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_InTheGlobalNamespace_IsReferencedWithGlobalQualifier()
    {
        GeneratorOutput output = Generate("""
            public sealed record Pinged(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Pinged";
                public string Source => "Global";
            }

            [EventHandler]
            public sealed class PingLogger : IEventHandler<Pinged>, IEventHandler<Shop.OrderPlaced>
            {
                public ValueTask HandleAsync(Pinged @event, CancellationToken cancellationToken = default) => default;

                public ValueTask HandleAsync(Shop.OrderPlaced @event, CancellationToken cancellationToken = default) => default;
            }
            """);

        Assert.Contains("routes.Add<global::Pinged>(new PingedDispatcher(", output.Table);
        Assert.Contains("new global::EventDriven.Dispatch.HandlerDescriptor(\"PingLogger\", 0, false, new string[] { });", Flat(output));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_OfARecordStructEvent_TakesTheEventByValue()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public sealed class ReleaseHold : IEventHandler<StockReserved>
                {
                    public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Contains("global::EventDriven.Dispatch.EventDispatcher<global::Shop.StockReserved>", output.Table);
        Assert.Contains("DispatchAsync(global::Shop.StockReserved @event,", output.Table);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handlers_WithOrder_RunByOrderThenByOrdinalFullName()
    {
        // Ordinal, not culture: "Shop.Beta" < "Shop.Billing.Charge" < "Shop.alphaHandler" because 'B' (66) sorts before 'a' (97).
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                public static class Priorities
                {
                    public const int Last = 10;
                }

                [EventHandler(Order = Priorities.Last)]
                public sealed class Archive : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler]
                public sealed class alphaHandler : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler(Order = 0)]
                public sealed class Beta : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler(Order = -5)]
                public sealed class Validate : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler(Order = -5)]
                public sealed class Authorize : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }

            namespace Shop.Billing
            {
                [EventHandler]
                public sealed class Charge : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Equal(
            ["_authorize.HandleAsync", "_validate.HandleAsync", "_beta.HandleAsync", "_charge.HandleAsync", "_alphaHandler.HandleAsync", "_archive.HandleAsync"],
            Calls(output, "OrderPlacedDispatcher"));
        Assert.Contains("new global::EventDriven.Dispatch.HandlerDescriptor(\"Shop.Archive\", 10, false,", Flat(output));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_WithConstructorDependencies_ResolvesRequiredOnesAndDefaultsOptionalOnes()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                public interface IClock
                {
                    DateTimeOffset Now { get; }
                }

                public sealed class Mailer
                {
                }

                public enum Channel
                {
                    Email,
                    Sms = 2,
                }

                [EventHandler]
                public sealed class NotifyCustomer : IEventHandler<OrderPlaced>
                {
                    private readonly Mailer _mailer;
                    private readonly IClock? _clock;
                    private readonly string _subject;
                    private readonly int _retries;
                    private readonly Channel _channel;
                    private readonly int? _limit;
                    private readonly decimal _threshold;
                    private readonly double _ratio;
                    private readonly float _scale;

                    public NotifyCustomer(Mailer mailer)
                        : this(mailer, null)
                    {
                    }

                    public NotifyCustomer(
                        Mailer mailer,
                        IClock? clock = null,
                        string subject = "Thanks for \"your\" order",
                        int retries = 3,
                        Channel channel = Channel.Sms,
                        int? limit = null,
                        decimal threshold = 1234567890.123456789m,
                        double ratio = double.NaN,
                        float scale = 0.1f,
                        long floor = long.MinValue,
                        ulong ceiling = ulong.MaxValue,
                        char separator = '\t',
                        bool enabled = true,
                        CancellationToken stopping = default)
                    {
                        _mailer = mailer;
                        _clock = clock;
                        _subject = subject;
                        _retries = retries;
                        _channel = channel;
                        _limit = limit;
                        _threshold = threshold;
                        _ratio = ratio;
                        _scale = scale;
                    }

                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                        => _mailer is null || _clock is null || _subject.Length + _retries + (int)_channel + (_limit ?? 0) > _threshold * (decimal)(_ratio + _scale) ? default : default;
                }
            }
            """);

        Assert.Contains("GetRequiredService<global::Shop.Mailer>(serviceProvider)", output.Table);
        Assert.DoesNotContain("GetRequiredService<global::Shop.IClock>", output.Table);
        Assert.Contains("\"Thanks for \\\"your\\\" order\"", output.Table);
        Assert.Contains("serviceProvider.GetService(typeof(int)) is int service5 ? service5 : default(int?)!", output.Table);
        Assert.Contains("(decimal)1234567890.123456789m", output.Table);
        Assert.Contains("(double)double.NaN", output.Table);
        Assert.Contains("(float)0.1f", output.Table);
        Assert.Contains("(long)-9223372036854775808", output.Table);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_ThatPublishes_ListsThePublishedEventsInTheTopology()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public sealed class ShipOrder(IEventBus bus) : IEventHandler<OrderPlaced>
                {
                    public async ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                    {
                        await bus.PublishAsync(new StockReserved(Guid.NewGuid(), @event.OccurredAt), cancellationToken);
                        await bus.PublishAsync(new OrderShipped(Guid.NewGuid(), @event.OccurredAt), cancellationToken);
                        await bus.PublishAsync<OrderShipped>(new OrderShipped(Guid.NewGuid(), @event.OccurredAt), cancellationToken);
                    }
                }

                [EventHandler]
                public sealed class TrackParcel : IEventHandler<OrderShipped>
                {
                    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Contains("""new global::EventDriven.Dispatch.HandlerDescriptor("Shop.ShipOrder", 0, false, new string[] { "Shop.OrderShipped", "Shop.StockReserved" });""", Flat(output));
        Assert.Contains("""new global::EventDriven.Dispatch.HandlerDescriptor("Shop.TrackParcel", 0, false, new string[] { });""", Flat(output));
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_OfClosedGenericEvents_GetsOneDispatcherPerClosedTypeWithWellFormedDocs()
    {
        // Closed types of one generic event need distinct stored names, so EventType cannot be one constant: the event type catalog
        // reports EDG008 for each (a shared constant would be EDG009), and nothing else may be reported.
        GeneratorOutput output = GeneratorHarness.Run(TestSources.Events, TestSources.Handlers("""
            namespace Shop
            {
                public sealed record Envelope<TPayload>(Guid Id, DateTimeOffset OccurredAt, TPayload Payload) : IEvent
                {
                    public string EventType => "Envelope:" + typeof(TPayload).Name;
                    public string Source => "Shop";
                }

                [EventHandler]
                public sealed class Unwrap : IEventHandler<Envelope<int>>, IEventHandler<Envelope<string>>
                {
                    public ValueTask HandleAsync(Envelope<int> @event, CancellationToken cancellationToken = default) => default;

                    public ValueTask HandleAsync(Envelope<string> @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """));

        Assert.Null(output.Result.Exception);
        Assert.Equal(["EDG008", "EDG008"], output.GeneratorDiagnostics.Select(static d => d.Id));
        Assert.Empty(output.CompilationProblems);
        Assert.Equal(["_unwrap.HandleAsync"], Calls(output, "EnvelopeDispatcher"));
        Assert.Equal(["_unwrap.HandleAsync"], Calls(output, "EnvelopeDispatcher2"));
        Assert.Contains("routes.Add<global::Shop.Envelope<int>>(new EnvelopeDispatcher(", output.Table);
        Assert.Contains("routes.Add<global::Shop.Envelope<string>>(new EnvelopeDispatcher2(", output.Table);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Handler_NamedLikeATableMember_GetsADistinctFieldName()
    {
        GeneratorOutput output = Generate("""
            namespace Shop
            {
                [EventHandler]
                public sealed class Topology : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """);

        Assert.Contains("private static readonly global::EventDriven.Dispatch.HandlerDescriptor s_topology2 =", output.Table);
        Assert.Contains("base(new global::EventDriven.Dispatch.HandlerDescriptor[] { s_topology2 })", output.Table);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void ModuleInitializer_WithAReferencedTable_RegistersItsOwnTableThenTheReferencedOne()
    {
        MetadataReference billing = BillingLibrary();

        GeneratorOutput output = GeneratorHarness.Run(TestCompilation.Create(
            "Shop.App",
            [billing],
            TestSources.Events,
            TestSources.Handlers("""
                namespace Shop.App
                {
                    [EventHandler]
                    public sealed class ChargeOnPlace : IEventHandler<Shop.OrderPlaced>
                    {
                        public ValueTask HandleAsync(Shop.OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                    }
                }
                """))).ShouldCompileCleanly();

        string initializer = output.Sources["EventDrivenModuleInitializer.g.cs"];
        int own = initializer.IndexOf("EventDispatchTable_Shop_App.Register();", StringComparison.Ordinal);
        int referenced = initializer.IndexOf("global::EventDriven.Generated.EventDispatchTable_Shop_Billing.Register();", StringComparison.Ordinal);
        Assert.True(own >= 0 && referenced > own, initializer);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void ModuleInitializer_WithOnlyAReferencedTable_IsTheOnlyFileWritten()
    {
        MetadataReference billing = BillingLibrary();

        GeneratorOutput output = GeneratorHarness.Run(TestCompilation.Create(
            "Shop.App",
            [billing],
            new SourceFile("Program.cs", "namespace Shop.App { public static class Program { } }"))).ShouldCompileCleanly();

        Assert.Equal(["EventDrivenModuleInitializer.g.cs"], output.Sources.Keys);
        Assert.Contains("global::EventDriven.Generated.EventDispatchTable_Shop_Billing.Register();", output.Sources["EventDrivenModuleInitializer.g.cs"]);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Fact]
    public void Compilation_WithoutHandlersOrReferencedTables_GetsNoTable_ButACatalogOfItsEventTypes()
    {
        // Event types only stored (or declared in a contracts library) need their names and JSON metadata without a handler.
        GeneratorOutput output = GeneratorHarness.Run(TestSources.Events).ShouldCompileCleanly();

        Assert.Equal(["EventDrivenModuleInitializer.g.cs", "EventTypeCatalog.g.cs"], output.Sources.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("EventTypeDescriptor(typeof(global::Shop.OrderShipped), \"OrderShipped\", 1)", output.Sources["EventTypeCatalog.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Compilation_WithoutEventTypesOrHandlers_GetsNoGeneratedFiles()
    {
        GeneratorOutput output = GeneratorHarness.Run(new SourceFile("Plain.cs", TestSources.Usings + "\n\nnamespace Shop { public sealed class Plain : IDisposable { public void Dispose() { } } }\n")).ShouldCompileCleanly();

        Assert.Empty(output.Sources);
    }

    /// <summary>A compiled library with its own generated table, referenced the way a project reference would be.</summary>
    private static MetadataReference BillingLibrary()
        => GeneratorHarness.Run(
                "Shop.Billing",
                new SourceFile("Invoicing.cs", TestSources.Usings + """


                    namespace Shop.Billing
                    {
                        public sealed record InvoiceIssued(Guid Id, DateTimeOffset OccurredAt) : IEvent
                        {
                            public string EventType => "InvoiceIssued";
                            public string Source => "Shop.Billing";
                        }

                        [EventHandler]
                        public sealed class EmailInvoice : IEventHandler<InvoiceIssued>
                        {
                            public ValueTask HandleAsync(InvoiceIssued @event, CancellationToken cancellationToken = default) => default;
                        }
                    }
                    """))
            .ShouldCompileCleanly()
            .EmitReference();

    private static GeneratorOutput Generate(string handlers)
        => GeneratorHarness.Run(TestSources.Events, TestSources.Handlers(handlers)).ShouldCompileCleanly();

    /// <summary>The table with each call's arguments pulled up onto the line of its opening parenthesis.</summary>
    private static string Flat(GeneratorOutput output) => ArgumentsOnNextLine().Replace(output.Table ?? string.Empty, "(");

    /// <summary>The handler calls of one dispatcher's <c>InvokeAsync</c> switch, in handler-index (run) order.</summary>
    private static string[] Calls(GeneratorOutput output, string dispatcher)
    {
        string table = output.Table ?? throw new InvalidOperationException("The generator wrote no dispatch table.");
        int start = table.IndexOf("private sealed class " + dispatcher + " ", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No {dispatcher} in the table.");
        int end = table.IndexOf("private sealed class ", start + 1, StringComparison.Ordinal);
        string body = end < 0 ? table[start..] : table[start..end];
        return [.. CaseCall().Matches(body).Select(static m => m.Groups["call"].Value)];
    }

    [GeneratedRegex(@"\(\n\s+")]
    private static partial Regex ArgumentsOnNextLine();

    [GeneratedRegex(@"case \d+: return (?<call>.+?)\(@event, cancellationToken\);")]
    private static partial Regex CaseCall();
}
