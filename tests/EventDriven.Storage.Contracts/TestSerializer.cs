using EventDriven.Serialization;

namespace EventDriven.Storage.Contracts;

/// <summary>A serializer that knows exactly the test events, registered by hand (no generated catalog is consulted).</summary>
public static class TestSerializer
{
    /// <summary>ItemAdded and BlobAttached at schema version 1, CartCheckedOut at version 2.</summary>
    public static JsonEventSerializer Create() => new(CreateRegistry());

    public static EventTypeRegistry CreateRegistry() => new EventTypeRegistry([])
        .Add("ItemAdded", 1, TestJsonContext.Default.ItemAdded)
        .Add("CartCheckedOut", 2, TestJsonContext.Default.CartCheckedOut)
        .Add("BlobAttached", 1, TestJsonContext.Default.BlobAttached);
}
