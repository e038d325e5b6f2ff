using EventDriven.Generators.Tests.Infrastructure;
using EventDriven.Generators.Tests.Snapshots;
using Microsoft.CodeAnalysis;

namespace EventDriven.Generators.Tests;

/// <summary>
/// The event type catalog: which event types it lists, the stable names it reads from <c>EventType</c>, schema versions, what it
/// cannot describe (EDG007), names it cannot read (EDG008) and duplicate names (EDG009).
/// </summary>
public sealed class EventTypeCatalogTests
{
    [Fact]
    public void Catalog_OfRecordClassAndStructEvents_ListsNamesVersionsAndMetadataForEveryTypeTheyUse()
    {
        GeneratorOutput output = GeneratorHarness.Run(new SourceFile("Events.cs", TestSources.Usings + """

            using System.Collections.Generic;
            using System.Text.Json.Serialization;

            namespace Shop
            {
                public enum Channel
                {
                    Web,
                    Store,
                }

                public sealed record Line(string Sku, int Quantity);

                [EventSchemaVersion(3)]
                public sealed record OrderPlaced(Guid Id, DateTimeOffset OccurredAt, IReadOnlyList<Line> Lines) : IEvent
                {
                    public string EventType => "OrderPlaced";
                    public string Source => "Shop";
                    public Channel? Channel { get; init; }

                    [JsonPropertyName("note")]
                    public string? Note { get; set; }
                }

                public readonly record struct StockReserved(Guid Id, DateTimeOffset OccurredAt, Dictionary<string, int> Counts) : IEvent
                {
                    public string EventType => "StockReserved";
                    public string Source => "Shop";
                }

                [EventHandler]
                public sealed class Fulfil(IEventBus bus) : IEventHandler<OrderPlaced>
                {
                    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default)
                        => bus.PublishAsync(new StockReserved(@event.Id, @event.OccurredAt, new()), cancellationToken);
                }
            }
            """)).ShouldCompileCleanly();

        string catalog = output.Sources["EventTypeCatalog.g.cs"];
        Assert.Contains("new global::EventDriven.Serialization.EventTypeDescriptor(typeof(global::Shop.OrderPlaced), \"OrderPlaced\", 3),", catalog, StringComparison.Ordinal);

        // Published, not handled: listed too, so the store can write it.
        Assert.Contains("new global::EventDriven.Serialization.EventTypeDescriptor(typeof(global::Shop.StockReserved), \"StockReserved\", 1),", catalog, StringComparison.Ordinal);
        foreach (string type in new[] { "global::Shop.Line", "global::Shop.Channel?", "global::System.Collections.Generic.IReadOnlyList<global::Shop.Line>", "global::System.Collections.Generic.Dictionary<string, int>", "int" })
        {
            Assert.Contains("if (type == typeof(" + type + "))", catalog, StringComparison.Ordinal);
        }

        Assert.Contains("JsonPropertyName = \"note\",", catalog, StringComparison.Ordinal);
        Assert.Contains("EventTypeCatalog_Shop.Register();", output.Sources["EventDrivenModuleInitializer.g.cs"], StringComparison.Ordinal);
        SnapshotAssert.MatchesVerified(output.Result);
    }

    [Theory]
    [InlineData("public string EventType => \"Named\";")]
    [InlineData("public string EventType => Constants.Name;")]
    [InlineData("public string EventType => nameof(Named);")]
    [InlineData("public string EventType { get { return \"Named\"; } }")]
    [InlineData("public string EventType { get => \"Named\"; }")]
    [InlineData("public string EventType { get; } = \"Named\";")]
    [InlineData("string IEvent.EventType => \"Named\";")]
    public void Name_WrittenAsACompileTimeConstant_IsTheDescriptorName(string eventTypeMember)
    {
        GeneratorOutput output = RunWithEvent($$"""
            public static class Constants
            {
                public const string Name = "Named";
            }

            public sealed record Named(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                {{eventTypeMember}}
                public string Source => "Shop";
            }
            """);

        Assert.Empty(output.Result.Diagnostics);
        Assert.Contains("EventTypeDescriptor(typeof(global::Shop.Named), \"Named\", 1)", output.Sources["EventTypeCatalog.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Name_OverriddenInTheEventClass_IsReadFromTheOverride()
    {
        GeneratorOutput output = RunWithEvent("""
            public abstract record Base(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public abstract string EventType { get; }
                public string Source => "Shop";
            }

            public sealed record Named(Guid Id, DateTimeOffset OccurredAt) : Base(Id, OccurredAt)
            {
                public override string EventType => "Named";
            }
            """);

        Assert.Empty(output.Result.Diagnostics);
        Assert.Contains("EventTypeDescriptor(typeof(global::Shop.Named), \"Named\", 1)", output.Sources["EventTypeCatalog.g.cs"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public string EventType => GetType().AssemblyQualifiedName!;")]
    [InlineData("public string EventType { get; init; } = \"Named\";")]
    [InlineData("public string EventType => \"Na\" + Suffix;")]
    public void Name_NotACompileTimeConstant_IsNullAndReportsEDG008OnTheProperty(string eventTypeMember)
    {
        GeneratorOutput output = RunWithEvent($$"""
            public sealed record Named(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public static string Suffix = "med";
                {{eventTypeMember}}
                public string Source => "Shop";
            }
            """);

        Diagnostic diagnostic = Assert.Single(output.Result.Diagnostics);
        Assert.Equal("EDG008", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("EventType of 'Shop.Named' is not a compile-time constant; the store learns its name from the first instance it writes, so reading in a fresh process fails until then", diagnostic.GetMessage());
        Assert.Equal("EventType", Text(output, diagnostic));
        Assert.Contains("EventTypeDescriptor(typeof(global::Shop.Named), null, 1)", output.Sources["EventTypeCatalog.g.cs"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GetType().Name", "Paid", "Shipped")]
    [InlineData("this.GetType().Name", "Paid", "Shipped")]
    [InlineData("GetType().FullName!", "Shop.Paid", "Shop.Outer+Shipped")]
    public void Name_GetTypeNameOnTheBase_IsTheConstantOfEachConcreteType_WithoutEDG008(string expression, string paid, string shipped)
    {
        GeneratorOutput output = RunWithEvent($$"""
            public abstract record IntegrationEvent(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => {{expression}};
                public string Source => "Shop";
            }

            public sealed record Paid(Guid Id, DateTimeOffset OccurredAt) : IntegrationEvent(Id, OccurredAt);

            public static class Outer
            {
                public sealed record Shipped(Guid Id, DateTimeOffset OccurredAt) : IntegrationEvent(Id, OccurredAt);
            }
            """, handled: ["Paid", "Outer.Shipped"]);

        Assert.Empty(output.Result.Diagnostics);
        string catalog = output.Sources["EventTypeCatalog.g.cs"];
        Assert.Contains("EventTypeDescriptor(typeof(global::Shop.Paid), \"" + paid + "\", 1)", catalog, StringComparison.Ordinal);
        Assert.Contains("EventTypeDescriptor(typeof(global::Shop.Outer.Shipped), \"" + shipped + "\", 1)", catalog, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_GetTypeNameOnTheBase_OfTwoTypesWithOneShortName_ReportsEDG009()
    {
        GeneratorOutput output = RunWithEvent("""
            public abstract record IntegrationEvent(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => GetType().Name;
                public string Source => "Shop";
            }

            public sealed record Paid(Guid Id, DateTimeOffset OccurredAt) : IntegrationEvent(Id, OccurredAt);

            public static class Ordering
            {
                public sealed record Paid(Guid Id, DateTimeOffset OccurredAt) : IntegrationEvent(Id, OccurredAt);
            }
            """, handled: ["Paid", "Ordering.Paid"]);

        Diagnostic diagnostic = Assert.Single(output.Result.Diagnostics);
        Assert.Equal("EDG009", diagnostic.Id);
        Assert.Contains("both name their EventType 'Paid'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Name_FromAPositionalParameter_ReportsEDG008()
    {
        GeneratorOutput output = RunWithEvent("""
            public sealed record Named(Guid Id, DateTimeOffset OccurredAt, string EventType) : IEvent
            {
                public string Source => "Shop";
            }
            """);

        Assert.Equal("EDG008", Assert.Single(output.Result.Diagnostics).Id);
    }

    [Theory]
    [InlineData("object Payload", "Shop.Named.Payload", "object", "is object, whose shape is only known at run time")]
    [InlineData("Dictionary<int, string> ByNumber", "Shop.Named.ByNumber", "System.Collections.Generic.Dictionary<int, string>", "is a dictionary whose keys are not strings")]
    [InlineData("List<Holder> Holders", "Shop.Named.Holders[].Value", "System.Exception", "is a framework type without a built-in System.Text.Json converter")]
    [InlineData("IAnimal Pet", "Shop.Named.Pet", "Shop.IAnimal", "is not supported")]
    [InlineData("Animal Pet", "Shop.Named.Pet", "Shop.Animal", "is abstract, so the type to create is only known at run time")]
    public void Event_WithAMemberTheEmitterCannotDescribe_ReportsEDG007AndGetsNoMetadata(string member, string path, string type, string reason)
    {
        GeneratorOutput output = RunWithEvent($$"""
            public interface IAnimal
            {
            }

            public abstract class Animal
            {
            }

            public sealed class Holder
            {
                public Exception? Value { get; set; }
            }

            public sealed record Named(Guid Id, DateTimeOffset OccurredAt, {{member}}) : IEvent
            {
                public string EventType => "Named";
                public string Source => "Shop";
            }
            """);

        Diagnostic diagnostic = Assert.Single(output.Result.Diagnostics);
        Assert.Equal("EDG007", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(
            $"The generator writes no JSON metadata for event type 'Shop.Named': its member '{path.Replace("Shop.", string.Empty, StringComparison.Ordinal)}' has type '{type}', which {reason}; register metadata for it with EventTypeRegistry.AddResolver (e.g. a JsonSerializerContext), or change the member's type",
            diagnostic.GetMessage());

        // Still listed by name (the registry knows it), but the resolver does not answer for it: the user's resolver must.
        string catalog = output.Sources["EventTypeCatalog.g.cs"];
        Assert.Contains("EventTypeDescriptor(typeof(global::Shop.Named), \"Named\", 1)", catalog, StringComparison.Ordinal);
        Assert.DoesNotContain("if (type == typeof(global::Shop.Named))", catalog, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_WithTheSameConstantName_ReportEDG009OnTheSecondInOrdinalOrder()
    {
        GeneratorOutput output = RunWithEvent("""
            public sealed record Named(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Same";
                public string Source => "Shop";
            }

            public sealed record Other(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Same";
                public string Source => "Shop";
            }
            """, handled: ["Named", "Other"]);

        Diagnostic diagnostic = Assert.Single(output.Result.Diagnostics);
        Assert.Equal("EDG009", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("'Shop.Other' and 'Shop.Named' both name their EventType 'Same'; stored events are read back by this name, so it must be unique", diagnostic.GetMessage());
        Assert.Equal("EventType", Text(output, diagnostic));
    }

    [Fact]
    public void Event_HandledByTwoHandlers_IsListedAndDiagnosedOnce()
    {
        GeneratorOutput output = GeneratorHarness.Run(TestSources.Handlers("""
            namespace Shop
            {
                public sealed record Named(Guid Id, DateTimeOffset OccurredAt) : IEvent
                {
                    public static string Suffix = "d";
                    public string EventType => "Name" + Suffix;
                    public string Source => "Shop";
                }

                [EventHandler]
                public sealed class First : IEventHandler<Named>
                {
                    public ValueTask HandleAsync(Named @event, CancellationToken cancellationToken = default) => default;
                }

                [EventHandler]
                public sealed class Second : IEventHandler<Named>
                {
                    public ValueTask HandleAsync(Named @event, CancellationToken cancellationToken = default) => default;
                }
            }
            """));

        Assert.Equal("EDG008", Assert.Single(output.Result.Diagnostics).Id);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output.Sources["EventTypeCatalog.g.cs"], "EventTypeDescriptor\\(typeof\\(global::Shop.Named\\)"));
    }

    [Fact]
    public void ModuleInitializer_OfAnAssemblyWithoutHandlers_RegistersTheReferencedCatalog()
    {
        MetadataReference billing = GeneratorHarness.Run("Shop.Billing", TestSources.Events, TestSources.Handlers("""
                namespace Shop
                {
                    [EventHandler]
                    public sealed class Bill : IEventHandler<OrderPlaced>
                    {
                        public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                    }
                }
                """)).ShouldCompileCleanly().EmitReference();

        GeneratorOutput output = GeneratorHarness.Run(TestCompilation.Create(
            "Shop.App", [billing], new SourceFile("Program.cs", "namespace Shop.App { public static class Program { } }"))).ShouldCompileCleanly();

        Assert.Equal(["EventDrivenModuleInitializer.g.cs"], output.Sources.Keys);
        Assert.Contains("global::EventDriven.Generated.EventTypeCatalog_Shop_Billing.Register();", output.Sources["EventDrivenModuleInitializer.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Event_DeclaredInAReferencedAssembly_IsListedWithoutANameAndWithoutEDG008()
    {
        // Its EventType is compiled IL here, not source; the referenced assembly's own catalog, registered too, knows the name.
        MetadataReference billing = GeneratorHarness.Run("Shop.Billing", TestSources.Events, TestSources.Handlers("""
                namespace Shop
                {
                    [EventHandler]
                    public sealed class Bill : IEventHandler<OrderPlaced>
                    {
                        public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                    }
                }
                """)).ShouldCompileCleanly().EmitReference();

        GeneratorOutput output = GeneratorHarness.Run(TestCompilation.Create("Shop.App", [billing], TestSources.Handlers("""
                namespace Shop.App
                {
                    [EventHandler]
                    public sealed class Ship : IEventHandler<Shop.OrderPlaced>
                    {
                        public ValueTask HandleAsync(Shop.OrderPlaced @event, CancellationToken cancellationToken = default) => default;
                    }
                }
                """))).ShouldCompileCleanly();

        Assert.Contains("EventTypeDescriptor(typeof(global::Shop.OrderPlaced), null, 1)", output.Sources["EventTypeCatalog.g.cs"], StringComparison.Ordinal);
        Assert.Contains("global::EventDriven.Generated.EventTypeCatalog_Shop_Billing.Register();", output.Sources["EventDrivenModuleInitializer.g.cs"], StringComparison.Ordinal);
    }

    private static GeneratorOutput RunWithEvent(string events, string[]? handled = null)
    {
        handled ??= ["Named"];
        string interfaces = string.Join(", ", handled.Select(static e => "IEventHandler<" + e + ">"));
        string methods = string.Join("\n", handled.Select(static e => "        public ValueTask HandleAsync(" + e + " @event, CancellationToken cancellationToken = default) => default;"));
        GeneratorOutput output = GeneratorHarness.Run(new SourceFile("Events.cs", TestSources.Usings + "\nusing System.Collections.Generic;\n\nnamespace Shop\n{\n" + events + "\n\n[EventHandler]\npublic sealed class Sink : " + interfaces + "\n{\n" + methods + "\n}\n}\n"));
        Assert.Null(output.Result.Exception);
        Assert.Empty(output.CompilationProblems.Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.ToString()));
        return output;
    }

    /// <summary>The source text a generator diagnostic points at (its location is rebuilt from a path and span, so it has no tree).</summary>
    private static string Text(GeneratorOutput output, Diagnostic diagnostic)
        => output.Input.SyntaxTrees.Single(t => t.FilePath == diagnostic.Location.GetLineSpan().Path).GetText().ToString(diagnostic.Location.SourceSpan);
}
