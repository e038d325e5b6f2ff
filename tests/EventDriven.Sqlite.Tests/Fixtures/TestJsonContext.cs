using System.Text.Json.Serialization;

namespace EventDriven.Sqlite.Tests.Fixtures;

/// <summary>System.Text.Json's own source generator describes the test events (the store never uses reflection-based JSON).</summary>
[JsonSerializable(typeof(ItemAdded))]
[JsonSerializable(typeof(CartCheckedOut))]
[JsonSerializable(typeof(BlobAttached))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
