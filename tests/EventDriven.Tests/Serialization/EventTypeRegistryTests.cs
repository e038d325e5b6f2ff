using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Tests.Serialization;

public sealed record ParcelWeighed(Guid Id, decimal Kilograms) : IEvent
{
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "ParcelWeighed";
    public string Source => "Tests";
}

public sealed record ParcelLost(Guid Id) : IEvent
{
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;
    public string EventType => "ParcelLost"; // the tests register it under ParcelWeighed's name to see the registry refuse
    public string Source => "Tests";
}

[JsonSerializable(typeof(ParcelWeighed))]
[JsonSerializable(typeof(ParcelLost))]
internal sealed partial class RegistryTestJson : JsonSerializerContext;

public sealed class EventTypeRegistryTests
{
    [Fact]
    public void An_upcaster_turns_an_old_payload_into_the_current_schema()
    {
        var registry = new EventTypeRegistry([])
            .Add("ParcelWeighed", schemaVersion: 2, RegistryTestJson.Default.ParcelWeighed)
            .AddUpcaster("ParcelWeighed", fromVersion: 1, old =>
            {
                // v1 stored grams as an integer; v2 stores kilograms.
                decimal grams = old["Grams"]!.GetValue<decimal>();
                old.Remove("Grams");
                old["Kilograms"] = grams / 1000m;
                return old;
            });
        var serializer = new JsonEventSerializer(registry);
        var id = Guid.NewGuid();

        IEvent read = serializer.Deserialize(Row("ParcelWeighed", 1, $$"""{"Id":"{{id}}","Grams":1500,"OccurredAt":"1970-01-01T00:00:00+00:00"}"""));

        Assert.Equal(new ParcelWeighed(id, 1.5m), read);
    }

    [Fact]
    public void A_payload_from_a_newer_schema_fails_alone_with_a_typed_error()
    {
        var serializer = new JsonEventSerializer(new EventTypeRegistry([]).Add("ParcelWeighed", 2, RegistryTestJson.Default.ParcelWeighed));

        EventSchemaVersionException error = Assert.Throws<EventSchemaVersionException>(() => serializer.Deserialize(Row("ParcelWeighed", 3, "{}")));

        Assert.Equal(2, error.KnownVersion);
        Assert.Contains("schema version 3", error.Message);
    }

    [Fact]
    public void A_renamed_type_is_read_through_its_alias_and_an_unknown_name_is_a_typed_error()
    {
        var registry = new EventTypeRegistry([]).Add("ParcelWeighed", 1, RegistryTestJson.Default.ParcelWeighed).AddAlias("ParcelMeasured", "ParcelWeighed");
        var serializer = new JsonEventSerializer(registry);
        var id = Guid.NewGuid();

        Assert.Equal(new ParcelWeighed(id, 2m), serializer.Deserialize(Row("ParcelMeasured", 1, $$"""{"Id":"{{id}}","Kilograms":2,"OccurredAt":"1970-01-01T00:00:00+00:00"}""")));
        UnknownEventTypeException unknown = Assert.Throws<UnknownEventTypeException>(() => serializer.Deserialize(Row("ParcelVanished", 1, "{}")));
        Assert.Contains("AddAlias(\"ParcelVanished\"", unknown.Message);
    }

    [Fact]
    public void Two_types_under_one_name_are_refused_with_both_type_names()
    {
        var registry = new EventTypeRegistry([]).Add("ParcelWeighed", 1, RegistryTestJson.Default.ParcelWeighed);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => registry.Add("ParcelWeighed", 1, RegistryTestJson.Default.ParcelLost));

        Assert.Contains(typeof(ParcelWeighed).FullName!, error.Message);
        Assert.Contains(typeof(ParcelLost).FullName!, error.Message);
    }

    [Fact]
    public void A_nameless_entry_from_a_referencing_assembly_does_not_hide_the_declaring_assembly_name()
    {
        var declaring = new Catalog(new EventTypeDescriptor(typeof(ParcelWeighed), "ParcelWeighed", 1));
        var referencing = new Catalog(new EventTypeDescriptor(typeof(ParcelWeighed), null, 1));
        var serializer = new JsonEventSerializer(new EventTypeRegistry([declaring, referencing]));
        var parcel = new ParcelWeighed(Guid.NewGuid(), 3m);

        SerializedEvent written = serializer.Serialize(parcel);

        Assert.Equal("ParcelWeighed", written.EventType);
        Assert.Equal(parcel, serializer.Deserialize(Row("ParcelWeighed", 1, Encoding.UTF8.GetString(written.Payload))));
    }

    private static StoredEvent Row(string type, int schemaVersion, string json)
        => new(1, "s", 0, Guid.NewGuid(), type, schemaVersion, DateTimeOffset.UnixEpoch, null, null, null, Encoding.UTF8.GetBytes(json));

    private sealed class Catalog(EventTypeDescriptor descriptor) : IEventTypeCatalog
    {
        public IReadOnlyList<EventTypeDescriptor> EventTypes { get; } = [descriptor];

        public IJsonTypeInfoResolver JsonTypeInfoResolver => RegistryTestJson.Default;
    }
}
