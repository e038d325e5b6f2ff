using System.Reflection;
using EventDriven.Generators.Tests.Infrastructure;
using EventDriven.Generators.Tests.PropertyBased;

namespace EventDriven.Generators.Tests;

/// <summary>
/// The generated JSON metadata works, not just compiles: events of every covered shape are compiled with the generator, loaded, and
/// written and read back through <c>JsonEventSerializer</c> over the generated catalog alone (no reflection fallback: System.Text.Json
/// throws when a resolver cannot describe a type).
/// </summary>
public sealed class EventTypeCatalogRoundTripTests
{
    private const string Namespace = "Wide";

    private static readonly SourceFile s_events = new("WideEvents.cs", """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using EventDriven;

        namespace Wide
        {
            public enum Priority
            {
                Low,
                High = 5,
            }

            public sealed record Address(string Street, string? City, int Zip);

            public readonly record struct Money(decimal Amount, string Currency);

            public sealed class Line
            {
                public Line(string sku, int quantity)
                {
                    Sku = sku;
                    Quantity = quantity;
                }

                public string Sku { get; }

                public int Quantity { get; }

                public string? Note { get; set; }
            }

            public sealed class Node
            {
                public string Name { get; set; } = "";

                public List<Node> Children { get; set; } = new();
            }

            public sealed record Everything(Guid Id, DateTimeOffset OccurredAt) : IEvent
            {
                public string EventType => "Everything";
                public string Source => "Wide";
                public string Text { get; init; } = "";
                public bool Flag { get; init; }
                public byte Byte { get; init; }
                public sbyte SByte { get; init; }
                public short Short { get; init; }
                public ushort UShort { get; init; }
                public int Int { get; init; }
                public uint UInt { get; init; }
                public long Long { get; init; }
                public ulong ULong { get; init; }
                public float Float { get; init; }
                public double Double { get; init; }
                public decimal Decimal { get; init; }
                public char Char { get; init; }
                public DateTime When { get; init; }
                public DateOnly Day { get; init; }
                public TimeOnly Time { get; init; }
                public TimeSpan Span { get; init; }
                public Uri? Link { get; init; }
                public byte[]? Blob { get; init; }
                public Priority Priority { get; init; }
                public Priority? MaybePriority { get; init; }
                public int? MaybeInt { get; init; }
                public Guid? MaybeId { get; init; }
                public DateTimeOffset? MaybeWhen { get; init; }
                public Address Home { get; init; } = new("", null, 0);
                public Money Price { get; init; }
                public Money? MaybePrice { get; init; }
                public Line[] LineArray { get; init; } = [];
                public List<Line> LineList { get; init; } = new();
                public IReadOnlyList<Address> ReadOnlyList { get; init; } = [];
                public IList<int> IntList { get; init; } = new List<int>();
                public IEnumerable<string> Strings { get; init; } = [];
                public IReadOnlyCollection<long> Longs { get; init; } = [];
                public ICollection<Guid> Guids { get; init; } = new List<Guid>();
                public Dictionary<string, Money> Prices { get; init; } = new();
                public IReadOnlyDictionary<string, List<int>> Buckets { get; init; } = new Dictionary<string, List<int>>();
                public IDictionary<string, Priority?> Flags { get; init; } = new Dictionary<string, Priority?>();
                public Node Tree { get; init; } = new();

                [JsonPropertyName("renamed")]
                public string Renamed { get; init; } = "";

                [JsonIgnore]
                public string Ignored { get; init; } = "";

                [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
                public string? SkippedWhenNull { get; init; }
            }

            public sealed class Shipped : IEvent
            {
                public Shipped(Guid id, DateTimeOffset occurredAt, string carrier, int parcels = 1)
                {
                    Id = id;
                    OccurredAt = occurredAt;
                    Carrier = carrier;
                    Parcels = parcels;
                }

                public Guid Id { get; }
                public DateTimeOffset OccurredAt { get; }
                public string EventType { get; } = "Shipped";
                public string Source => "Wide";
                public string Carrier { get; }
                public int Parcels { get; }
                public string? Tracking { get; set; }
            }

            public readonly record struct Counted(Guid Id, DateTimeOffset OccurredAt, int Count, Priority Priority) : IEvent
            {
                public string EventType => nameof(Counted);
                public string Source => "Wide";
            }

            public sealed record Defaulted(string Reason) : IEvent
            {
                public const string Name = "Defaulted";
                public Guid Id { get; init; } = Guid.NewGuid();
                public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
                public string EventType { get { return Name; } }
                public string Source => "Wide";
                public required string Actor { get; init; }
            }

            // The README's shape: identity in get-only auto-properties with initializers, which must come back as written.
            public sealed record Submitted(Guid OrderId, decimal Total) : IEvent
            {
                public Guid Id { get; } = Guid.NewGuid();
                public DateTimeOffset OccurredAt { get; } = DateTimeOffset.UtcNow;
                public string EventType => "Submitted";
                public string Source => "Wide";
            }

            // The reference applications' shape: the base class assigns identity and time, the derived record carries the data.
            public abstract record IntegrationEvent : IEvent
            {
                public Guid Id { get; } = Guid.NewGuid();
                public DateTimeOffset OccurredAt { get; } = DateTimeOffset.UtcNow;
                public string EventType => GetType().Name;
                public string Source => "Wide";
            }

            public sealed record StockConfirmed(int OrderNumber) : IntegrationEvent;

            // System.Text.Json attributes the generated metadata must honour as JsonSerializer does: a type-level enum converter
            // (the non-generic one too), a member-level one, a custom converter on a member and on a type.
            [JsonConverter(typeof(JsonStringEnumConverter))]
            public enum OrderStatus
            {
                Submitted,
                Paid,
                Cancelled = 6,
            }

            public sealed class Shouting : JsonConverter<string>
            {
                public override string Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => reader.GetString()!.ToLowerInvariant();

                public override void Write(System.Text.Json.Utf8JsonWriter writer, string value, System.Text.Json.JsonSerializerOptions options) => writer.WriteStringValue(value.ToUpperInvariant());
            }

            [JsonConverter(typeof(SkuConverter))]
            public readonly record struct Sku(string Value);

            public sealed class SkuConverter : JsonConverter<Sku>
            {
                public override Sku Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => new(reader.GetString()!.TrimStart('#'));

                public override void Write(System.Text.Json.Utf8JsonWriter writer, Sku value, System.Text.Json.JsonSerializerOptions options) => writer.WriteStringValue("#" + value.Value);
            }

            public sealed record StatusChanged(Guid Id, DateTimeOffset OccurredAt, OrderStatus Status) : IEvent
            {
                public string EventType => "StatusChanged";
                public string Source => "Wide";
                public OrderStatus? Previous { get; init; }

                [JsonConverter(typeof(JsonStringEnumConverter<Priority>))]
                public Priority Priority { get; init; }

                [JsonConverter(typeof(Shouting))]
                public string Note { get; init; } = "";

                public Sku Sku { get; init; }
            }

            [EventHandler]
            public sealed class Sink : IEventHandler<Everything>, IEventHandler<Shipped>, IEventHandler<Counted>, IEventHandler<Defaulted>, IEventHandler<Submitted>, IEventHandler<StockConfirmed>, IEventHandler<StatusChanged>
            {
                public System.Threading.Tasks.ValueTask HandleAsync(StatusChanged @event, System.Threading.CancellationToken cancellationToken = default) => default;
                public System.Threading.Tasks.ValueTask HandleAsync(Submitted @event, System.Threading.CancellationToken cancellationToken = default) => default;
                public System.Threading.Tasks.ValueTask HandleAsync(StockConfirmed @event, System.Threading.CancellationToken cancellationToken = default) => default;
                public System.Threading.Tasks.ValueTask HandleAsync(Everything @event, System.Threading.CancellationToken cancellationToken = default) => default;
                public System.Threading.Tasks.ValueTask HandleAsync(Shipped @event, System.Threading.CancellationToken cancellationToken = default) => default;
                public System.Threading.Tasks.ValueTask HandleAsync(Counted @event, System.Threading.CancellationToken cancellationToken = default) => default;
                public System.Threading.Tasks.ValueTask HandleAsync(Defaulted @event, System.Threading.CancellationToken cancellationToken = default) => default;
            }
        }
        """);

    /// <summary>
    /// Writes each event, reads it back, writes the copy: equal JSON proves nothing was lost on the way in (records with collections
    /// do not compare by content). Returns, per event, the stored name, the JSON, and whether the second write matched.
    /// </summary>
    private static readonly SourceFile s_program = new("Program.cs", """
        using System;
        using System.Collections.Generic;
        using System.Text;
        using EventDriven;
        using EventDriven.Serialization;
        using EventDriven.Store;

        namespace Wide
        {
            public static class Program
            {
                public static string[] Run()
                {
                    var registry = new EventTypeRegistry(new IEventTypeCatalog[] { EventDriven.Generated.EventTypeCatalog_Wide.Instance });
                    var serializer = new JsonEventSerializer(registry);
                    var at = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
                    var tree = new Node { Name = "root", Children = { new Node { Name = "leaf" } } };
                    IEvent[] events =
                    {
                        new Everything(new Guid("11111111-1111-1111-1111-111111111111"), at)
                        {
                            Text = "text \"quoted\"", Flag = true, Byte = 250, SByte = -5, Short = -300, UShort = 60000, Int = -7, UInt = 4000000000,
                            Long = long.MinValue, ULong = ulong.MaxValue, Float = 1.5f, Double = 0.1, Decimal = 1234567890.123456789m, Char = 'x',
                            When = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc), Day = new DateOnly(2025, 1, 2), Time = new TimeOnly(3, 4, 5),
                            Span = TimeSpan.FromMinutes(90), Link = new Uri("https://example.com/a?b=c"), Blob = new byte[] { 1, 2, 3 },
                            Priority = Priority.High, MaybePriority = Priority.Low, MaybeInt = 42, MaybeId = null, MaybeWhen = at,
                            Home = new Address("Main St", null, 12345), Price = new Money(9.99m, "EUR"), MaybePrice = new Money(1m, "USD"),
                            LineArray = new[] { new Line("A", 1) { Note = "n" } }, LineList = new List<Line> { new Line("B", 2) },
                            ReadOnlyList = new[] { new Address("x", "y", 1) }, IntList = new List<int> { 1, 2 }, Strings = new[] { "s" },
                            Longs = new long[] { 3 }, Guids = new List<Guid> { Guid.Empty }, Prices = new Dictionary<string, Money> { ["a"] = new Money(2m, "GBP") },
                            Buckets = new Dictionary<string, List<int>> { ["b"] = new List<int> { 7 } }, Flags = new Dictionary<string, Priority?> { ["f"] = null },
                            Tree = tree, Renamed = "r", Ignored = "never written", SkippedWhenNull = null,
                        },
                        new Shipped(new Guid("22222222-2222-2222-2222-222222222222"), at, "DHL", 3) { Tracking = "T-1" },
                        new Counted(new Guid("33333333-3333-3333-3333-333333333333"), at, 5, Priority.High),
                        new Defaulted("why") { Id = new Guid("44444444-4444-4444-4444-444444444444"), OccurredAt = at, Actor = "me" },
                        new Submitted(Guid.NewGuid(), 42.5m),
                        new StockConfirmed(7),
                        new StatusChanged(new Guid("55555555-5555-5555-5555-555555555555"), at, OrderStatus.Cancelled) { Previous = OrderStatus.Paid, Priority = Priority.High, Note = "quiet", Sku = new Sku("A-1") },
                    };

                    var lines = new List<string>();
                    foreach (IEvent e in events)
                    {
                        SerializedEvent first = serializer.Serialize(e);
                        IEvent copy = serializer.Deserialize(Stored(first, e));
                        SerializedEvent second = serializer.Serialize(copy);
                        string json = Encoding.UTF8.GetString(first.Payload);
                        bool same = json == Encoding.UTF8.GetString(second.Payload) && copy.GetType() == e.GetType() && copy.Id == e.Id && copy.OccurredAt == e.OccurredAt;

                        // The same bytes as System.Text.Json's own (reflection) metadata with the store's options: another service reading
                        // the event with plain JsonSerializer sees what it would have written.
                        string reference = System.Text.Json.JsonSerializer.Serialize(e, e.GetType(), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.General) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() });
                        lines.Add(first.EventType + "|" + same + "|" + (json == reference ? "AsJsonSerializer" : "Differs:" + reference) + "|" + json);
                    }

                    return lines.ToArray();
                }

                private static StoredEvent Stored(SerializedEvent serialized, IEvent e)
                    => new StoredEvent(1, "stream", 1, e.Id, serialized.EventType, serialized.SchemaVersion, e.OccurredAt, null, null, null, serialized.Payload);
            }
        }
        """);

    [Fact]
    public void GeneratedCatalog_RoundTripsEveryCoveredShapeThroughJsonEventSerializer()
    {
        string[] lines = CompileAndRun();

        // Submitted and StockConfirmed: read back with the Id and OccurredAt they were written with, not their initializers' new ones.
        Assert.Equal(
            ["Everything|True", "Shipped|True", "Counted|True", "Defaulted|True", "Submitted|True", "StockConfirmed|True", "StatusChanged|True"],
            lines.Select(static l => string.Join('|', l.Split('|').Take(2))));
        Assert.All(lines, static l => Assert.Equal("AsJsonSerializer", l.Split('|')[2]));
        Assert.Contains("\"Status\":\"Cancelled\",", lines[6], StringComparison.Ordinal);
        Assert.Contains("\"Previous\":\"Paid\"", lines[6], StringComparison.Ordinal);
        Assert.Contains("\"Priority\":\"High\"", lines[6], StringComparison.Ordinal);
        Assert.Contains("\"Note\":\"QUIET\"", lines[6], StringComparison.Ordinal);
        Assert.Contains("\"Sku\":\"#A-1\"", lines[6], StringComparison.Ordinal);
        string everything = lines[0];
        Assert.Contains("\"renamed\":\"r\"", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Ignored", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("never written", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("SkippedWhenNull", everything, StringComparison.Ordinal);
        Assert.Contains("\"Priority\":5", everything, StringComparison.Ordinal);
        Assert.Contains("\"Blob\":\"AQID\"", everything, StringComparison.Ordinal);
        Assert.Contains("\"Decimal\":1234567890.123456789", everything, StringComparison.Ordinal);
        Assert.Contains("\"Tree\":{\"Name\":\"root\",\"Children\":[{\"Name\":\"leaf\",\"Children\":[]}]}", everything, StringComparison.Ordinal);
        Assert.Contains("\"Tracking\":\"T-1\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"Parcels\":3", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"Actor\":\"me\"", lines[3], StringComparison.Ordinal);
        Assert.Contains("\"Id\":\"44444444-4444-4444-4444-444444444444\"", lines[3], StringComparison.Ordinal);
    }

    private static string[] CompileAndRun()
    {
        GeneratorOutput output = GeneratorHarness.Run(Namespace, s_events, s_program).ShouldCompileCleanly();
        Assert.Contains("EventTypeCatalog.g.cs", output.Sources.Keys);

        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;

        var context = new ModelLoadContext(Namespace);
        try
        {
            Assembly assembly = context.LoadFromStream(image);
            MethodInfo run = assembly.GetType(Namespace + ".Program", throwOnError: true)!.GetMethod("Run")!;
            return (string[])run.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }
}
