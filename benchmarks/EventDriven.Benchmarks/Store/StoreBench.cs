using System.Text.Json.Serialization;
using EventDriven.Serialization;
using EventDriven.Sqlite;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Benchmarks.Store;

/// <summary>The event the store benchmarks append: a small order line, about 150 bytes of JSON.</summary>
public sealed record StoredOrderLine(string StreamId, string Sku, int Quantity, decimal Price) : IStreamEvent
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UnixEpoch;

    public string EventType => "StoredOrderLine";

    public string Source => "Benchmarks";
}

[JsonSerializable(typeof(StoredOrderLine))]
internal sealed partial class StoreBenchJsonContext : JsonSerializerContext;

/// <summary>A store in a fresh temporary file, and its removal.</summary>
internal static class StoreBench
{
    public static SqliteEventStore Open(SqliteSynchronous synchronous, out string folder)
    {
        folder = Path.Combine(Path.GetTempPath(), "eventdriven-store-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var registry = new EventTypeRegistry([]).Add("StoredOrderLine", 1, StoreBenchJsonContext.Default.StoredOrderLine);
        return new SqliteEventStore(new SqliteStoreOptions
        {
            DatabasePath = Path.Combine(folder, "bench.db"),
            Synchronous = synchronous,
            Serializer = new JsonEventSerializer(registry),
        });
    }

    public static async Task CloseAsync(SqliteEventStore? store, string? folder)
    {
        if (store is not null)
        {
            await store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (folder is not null && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A new event (a new id: re-appending the same one would be a duplicate and write nothing).</summary>
    public static EventToAppend[] OneEvent(string stream, int i) => [new EventToAppend(new StoredOrderLine(stream, "sku-42", i, 9.99m))];
}
