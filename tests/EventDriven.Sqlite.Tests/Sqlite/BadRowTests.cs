using EventDriven.Serialization;
using EventDriven.Sqlite.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Data.Sqlite;
using static EventDriven.Storage.Contracts.StoreRead;

namespace EventDriven.Sqlite.Tests.Sqlite;

/// <summary>
/// Rows the program cannot read (a renamed or removed type, a corrupt payload, a payload from a newer schema version), written
/// with raw SQL between good ones: every reader still returns every row, and only the bad row fails, with its typed exception.
/// </summary>
public sealed class BadRowTests : IAsyncLifetime
{
    private readonly TempDatabase _file = new();
    private SqliteEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteEventStore(new SqliteStoreOptions { DatabasePath = _file.Path, Serializer = TestSerializer.Create(), ReadPageSize = 2 });
        await _store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "good-1", 1)), ExpectedVersion.NoStream);
        using (SqliteConnection raw = _file.OpenRaw())
        {
            InsertRaw(raw, position: 2, streamVersion: 1, "RenamedLongAgo", 1, """{"StreamId":"cart-1"}"""u8.ToArray());
            InsertRaw(raw, position: 3, streamVersion: 2, "ItemAdded", 1, [0xFF, 0x00, 0x13, 0x37, (byte)'{']);
            InsertRaw(raw, position: 4, streamVersion: 3, "CartCheckedOut", 3, """{"CartId":"cart-1","Total":1}"""u8.ToArray());
        }

        await _store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "good-2", 2)), ExpectedVersion.Exactly(3));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task ReadAll_ReturnsEveryRowAndOnlyTheBadOnesFailToDeserializeWithTheirTypedError()
    {
        List<StoredEvent> rows = await AllAsync(_store.ReadAllAsync());

        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(r => r.Position));
        Assert.Equal("good-1", Assert.IsType<ItemAdded>(_store.Serializer.Deserialize(rows[0])).Sku);
        var unknown = Assert.Throws<UnknownEventTypeException>(() => _store.Serializer.Deserialize(rows[1]));
        var corrupt = Assert.Throws<CorruptEventPayloadException>(() => _store.Serializer.Deserialize(rows[2]));
        var newer = Assert.Throws<EventSchemaVersionException>(() => _store.Serializer.Deserialize(rows[3]));
        Assert.Equal("good-2", Assert.IsType<ItemAdded>(_store.Serializer.Deserialize(rows[4])).Sku);

        Assert.Equal(2, unknown.Stored.Position);
        Assert.Contains("RenamedLongAgo", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(3, corrupt.Stored.Position);
        Assert.Equal(4, newer.Stored.Position);
        Assert.Equal(2, newer.KnownVersion);
    }

    [Fact]
    public async Task ReadStreamAndReadByType_ReturnTheBadRowsToo()
    {
        Assert.Equal(5, (await AllAsync(_store.ReadStreamAsync("cart-1"))).Count);
        Assert.Equal([1L, 3, 5], (await AllAsync(_store.ReadByTypeAsync("ItemAdded"))).Select(r => r.Position));
        Assert.Equal([2L], (await AllAsync(_store.ReadByTypeAsync("RenamedLongAgo"))).Select(r => r.Position));
    }

    [Fact]
    public async Task AnAliasForTheOldName_MakesTheRenamedRowReadable()
    {
        EventTypeRegistry registry = TestSerializer.CreateRegistry().AddAlias("RenamedLongAgo", "ItemAdded");
        var serializer = new JsonEventSerializer(registry);

        StoredEvent renamed = (await AllAsync(_store.ReadByTypeAsync("RenamedLongAgo"))).Single();

        Assert.Equal("cart-1", Assert.IsType<ItemAdded>(serializer.Deserialize(renamed)).StreamId);
    }

    [Fact]
    public async Task GetEventsAsync_StopsAtTheFirstBadRowWithItsTypedError()
    {
        var error = await Assert.ThrowsAsync<UnknownEventTypeException>(async () => await _store.GetEventsAsync("cart-1"));

        Assert.Equal(2, error.Stored.Position);
    }

    private static void InsertRaw(SqliteConnection raw, long position, long streamVersion, string eventType, int schemaVersion, byte[] payload)
    {
        using SqliteCommand insert = raw.CreateCommand();
        insert.CommandText = """
            INSERT INTO events (position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, payload)
            VALUES ($position, 'cart-1', $version, $id, $type, $schema, 0, $payload)
            """;
        insert.Parameters.AddWithValue("$position", position);
        insert.Parameters.AddWithValue("$version", streamVersion);
        insert.Parameters.AddWithValue("$id", Guid.NewGuid());
        insert.Parameters.AddWithValue("$type", eventType);
        insert.Parameters.AddWithValue("$schema", schemaVersion);
        insert.Parameters.AddWithValue("$payload", payload);
        insert.ExecuteNonQuery();
    }
}
