using System.Text.Json.Serialization;

namespace EventDriven.Storage.Contracts;

/// <summary>System.Text.Json's own source generator describes the test events (the store never uses reflection-based JSON).</summary>
[JsonSerializable(typeof(ItemAdded))]
[JsonSerializable(typeof(CartCheckedOut))]
[JsonSerializable(typeof(BlobAttached))]
public sealed partial class TestJsonContext : JsonSerializerContext;
