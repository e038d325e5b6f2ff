using EventDriven.Serialization;
using EventDriven.Sqlite.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Data.Sqlite;
using static EventDriven.Storage.Contracts.StoreRead;

namespace EventDriven.Sqlite.Tests.Sqlite;

/// <summary>
/// Rows whose columns themselves cannot be read (an id that is no GUID, text where the payload blob or the time belongs), written
/// with raw SQL between good ones, pages of two: every reader returns every row, and only a bad row fails, with a typed
/// <see cref="CorruptEventRowException"/> naming its position and the column.
/// </summary>
public sealed class MalformedRowTests : IAsyncLifetime
{
    private readonly TempDatabase _file = new();
    private SqliteEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteEventStore(new SqliteStoreOptions { DatabasePath = _file.Path, Serializer = TestSerializer.Create(), ReadPageSize = 2 });
        await _store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "good-1", 1)), ExpectedVersion.NoStream);
        using (SqliteConnection raw = _file.OpenRaw())
        {
            InsertRaw(raw, position: 2, streamVersion: 1, eventId: new byte[] { 1, 2, 3 }, occurredAt: 0L, payload: """{"StreamId":"cart-1","Sku":"x","Quantity":1}"""u8.ToArray());
            InsertRaw(raw, position: 3, streamVersion: 2, eventId: "not-a-guid", occurredAt: 0L, payload: """{"StreamId":"cart-1","Sku":"x","Quantity":1}"""u8.ToArray());
            InsertRaw(raw, position: 4, streamVersion: 3, eventId: Guid.NewGuid().ToByteArray(), occurredAt: "yesterday", payload: "{\"StreamId\":\"cart-1\"}");
        }

        await _store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "good-2", 2)), ExpectedVersion.Exactly(3));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task ReadAll_ReturnsEveryRow_AndEachMalformedOneFailsAloneNamingItsPositionAndColumn()
    {
        List<StoredEvent> rows = await AllAsync(_store.ReadAllAsync());

        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(static r => r.Position));
        Assert.Equal("good-1", Assert.IsType<ItemAdded>(_store.Serializer.Deserialize(rows[0])).Sku);
        Assert.Equal("good-2", Assert.IsType<ItemAdded>(_store.Serializer.Deserialize(rows[4])).Sku);
        Assert.Null(rows[0].Unreadable);

        var shortId = Assert.Throws<CorruptEventRowException>(() => _store.Serializer.Deserialize(rows[1]));
        var textId = Assert.Throws<CorruptEventRowException>(() => _store.Serializer.Deserialize(rows[2]));
        var badTimeAndPayload = Assert.Throws<CorruptEventRowException>(() => _store.Serializer.Deserialize(rows[3]));
        Assert.StartsWith("Stored event at position 2 ", shortId.Message, StringComparison.Ordinal);
        Assert.Contains("event_id: a 3-byte blob is not a 16-byte GUID", shortId.Message, StringComparison.Ordinal);
        Assert.Contains("event_id: a TEXT value is not a 16-byte GUID", textId.Message, StringComparison.Ordinal);
        Assert.Equal(3, textId.Stored.Position);
        Assert.Contains("occurred_at: a TEXT value is not an INTEGER", badTimeAndPayload.Message, StringComparison.Ordinal);
        Assert.Contains("payload: a TEXT value where the payload blob belongs", badTimeAndPayload.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<EventDeserializationException>(badTimeAndPayload);
    }

    [Fact]
    public async Task ReadStreamAndReadByType_ReturnTheMalformedRowsToo()
    {
        Assert.Equal([1L, 2, 3, 4, 5], (await AllAsync(_store.ReadStreamAsync("cart-1"))).Select(static r => r.Position));
        Assert.Equal([1L, 2, 3, 4, 5], (await AllAsync(_store.ReadByTypeAsync("ItemAdded"))).Select(static r => r.Position));
    }

    private static void InsertRaw(SqliteConnection raw, long position, long streamVersion, object eventId, object occurredAt, object payload)
    {
        using SqliteCommand insert = raw.CreateCommand();
        insert.CommandText = """
            INSERT INTO events (position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, payload)
            VALUES ($position, 'cart-1', $version, $id, 'ItemAdded', 1, $at, $payload)
            """;
        insert.Parameters.AddWithValue("$position", position);
        insert.Parameters.AddWithValue("$version", streamVersion);
        insert.Parameters.AddWithValue("$id", eventId);
        insert.Parameters.AddWithValue("$at", occurredAt);
        insert.Parameters.AddWithValue("$payload", payload);
        insert.ExecuteNonQuery();
    }
}
