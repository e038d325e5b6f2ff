using EventDriven.Sqlite.Tests.Fixtures;
using EventDriven.Store;
using Microsoft.Data.Sqlite;
using static EventDriven.Storage.Contracts.StoreRead;

namespace EventDriven.Sqlite.Tests.Sqlite;

/// <summary>What only the durable store has to keep: the file, its schema, group commit and closing.</summary>
public sealed class SqliteEventStoreTests : IDisposable
{
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    private SqliteEventStore Open(SqliteSynchronous synchronous = SqliteSynchronous.Full) => new(new SqliteStoreOptions
    {
        DatabasePath = _file.Path,
        Serializer = TestSerializer.Create(),
        Synchronous = synchronous,
        ReadPageSize = 5,
    });

    [Fact]
    public async Task Reopen_KeepsEveryEventAndContinuesVersionsAndPositions()
    {
        await using (SqliteEventStore store = Open())
        {
            await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1), new ItemAdded("cart-1", "B", 2)), ExpectedVersion.NoStream);
        }

        await using (SqliteEventStore reopened = Open())
        {
            AppendResult result = await reopened.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "C", 3)), ExpectedVersion.Exactly(1));

            Assert.Equal(2, result.StreamVersion);
            Assert.Equal(3, result.LastPosition);
            Assert.Equal(["A", "B", "C"], (await reopened.GetEventsAsync("cart-1")).Cast<ItemAdded>().Select(e => e.Sku));
        }
    }

    [Theory]
    [InlineData(SqliteSynchronous.Full, 2)]
    [InlineData(SqliteSynchronous.Normal, 1)]
    public async Task Open_UsesTheWalJournalAndTheChosenSynchronousMode(SqliteSynchronous synchronous, long pragmaValue)
    {
        await using SqliteEventStore store = Open(synchronous);
        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.Any);

        using SqliteConnection raw = _file.OpenRaw();
        Assert.Equal("wal", Scalar(raw, "PRAGMA journal_mode"));
        Assert.Equal(synchronous, store.Synchronous);
        Assert.Equal(pragmaValue, WriterSynchronousSetting(synchronous));
        Assert.Equal("ok", Scalar(raw, "PRAGMA integrity_check"));
        Assert.Equal(1L, Scalar(raw, "SELECT version FROM eventdriven_schema WHERE component = 'events'"));
    }

    [Fact]
    public async Task Open_AFileThatIsNotSqlite_ThrowsIncompatibleDatabaseAndLeavesItAlone()
    {
        byte[] content = "this is a text file, not a database, and it is long enough to have a header"u8.ToArray();
        await File.WriteAllBytesAsync(_file.Path, content);

        var error = Assert.Throws<IncompatibleDatabaseException>(() => Open());

        Assert.Equal(_file.Path, error.DatabasePath);
        Assert.Contains("not a SQLite database", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(_file.Path));
    }

    [Fact]
    public void Open_AnotherProgramsDatabase_ThrowsIncompatibleDatabaseAndAddsNoTable()
    {
        using (SqliteConnection raw = _file.OpenRaw())
        {
            Execute(raw, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
        }

        var error = Assert.Throws<IncompatibleDatabaseException>(() => Open());

        Assert.Contains("another program", error.Message, StringComparison.Ordinal);
        using SqliteConnection check = _file.OpenRaw();
        Assert.Equal(1L, Scalar(check, "SELECT count(*) FROM sqlite_master"));
    }

    [Fact]
    public void Open_ADatabaseOfAnotherApplicationId_ThrowsIncompatibleDatabase()
    {
        using (SqliteConnection raw = _file.OpenRaw())
        {
            Execute(raw, "PRAGMA application_id = 1234");
        }

        var error = Assert.Throws<IncompatibleDatabaseException>(() => Open());

        Assert.Contains("another application", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ADatabaseWithANewerSchemaVersion_ThrowsIncompatibleDatabaseNamingBothVersions()
    {
        await using (Open())
        {
        }

        using (SqliteConnection raw = _file.OpenRaw())
        {
            Execute(raw, "UPDATE eventdriven_schema SET version = 99 WHERE component = 'events'");
        }

        var error = Assert.Throws<IncompatibleDatabaseException>(() => Open());

        Assert.Contains("99", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupCommit_AConflictingAppendAmongManyFailsAloneAndTheOthersCommit()
    {
        await using SqliteEventStore store = Open();
        await store.AppendAsync("contended", Items(new ItemAdded("contended", "first", 1)), ExpectedVersion.NoStream);

        // Queued together without awaiting, so they reach the writer in the same groups.
        var appends = new List<ValueTask<AppendResult>>();
        for (int i = 0; i < 200; i++)
        {
            appends.Add(store.AppendAsync("cart-" + i, Items(new ItemAdded("cart-" + i, "A", 1), new ItemAdded("cart-" + i, "B", 1)), ExpectedVersion.NoStream));
            if (i == 100)
            {
                appends.Add(store.AppendAsync("contended", Items(new ItemAdded("contended", "stale", 1)), ExpectedVersion.NoStream));
            }
        }

        int succeeded = 0;
        int conflicted = 0;
        foreach (ValueTask<AppendResult> append in appends)
        {
            try
            {
                AppendResult result = await append;
                Assert.Equal(2, result.Appended);
                succeeded++;
            }
            catch (ConcurrencyException ex)
            {
                Assert.Equal("contended", ex.StreamId);
                conflicted++;
            }
        }

        Assert.Equal(200, succeeded);
        Assert.Equal(1, conflicted);
        Assert.Equal(401, await store.GetLastPositionAsync());
        Assert.Equal(Enumerable.Range(1, 401).Select(p => (long)p), (await AllAsync(store.ReadAllAsync())).Select(e => e.Position));
    }

    [Fact]
    public async Task Dispose_CommitsEveryAppendAlreadyQueuedBeforeClosing()
    {
        var appends = new List<ValueTask<AppendResult>>();
        SqliteEventStore store = Open();
        for (int i = 0; i < 300; i++)
        {
            appends.Add(store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "sku-" + i, i)), ExpectedVersion.Any));
        }

        await store.DisposeAsync();

        foreach (ValueTask<AppendResult> append in appends)
        {
            Assert.Equal(1, (await append).Appended);
        }

        await using SqliteEventStore reopened = Open();
        Assert.Equal(299, await reopened.GetStreamVersionAsync("cart-1"));
    }

    [Fact]
    public async Task AfterDispose_AppendsAndReadsThrowObjectDisposed()
    {
        SqliteEventStore store = Open();
        await store.DisposeAsync();
        await store.DisposeAsync();
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.Any));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await AllAsync(store.ReadAllAsync()));
    }

    [Fact]
    public async Task TwoStoresOnOneFile_ShareVersionsAndPositions()
    {
        await using SqliteEventStore first = Open();
        await using SqliteEventStore second = Open();

        await first.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.NoStream);
        AppendResult fromSecond = await second.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "B", 1)), ExpectedVersion.Exactly(0));
        await Assert.ThrowsAsync<ConcurrencyException>(async () => await first.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "C", 1)), ExpectedVersion.Exactly(0)));

        Assert.Equal(2, fromSecond.LastPosition);
        Assert.Equal(1, await first.GetStreamVersionAsync("cart-1"));
    }

    [Fact]
    public async Task ARowWrittenByAnotherConnection_IsSeenByTheNextVersionCheckAndPosition()
    {
        await using SqliteEventStore store = Open();
        await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "A", 1)), ExpectedVersion.NoStream);

        // The writer remembers the stream's head; a commit by anyone else must make it read the head again.
        using (SqliteConnection raw = _file.OpenRaw())
        {
            Execute(raw, "INSERT INTO events (position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, payload) VALUES (2, 'cart-1', 1, randomblob(16), 'ItemAdded', 1, 0, x'7b7d')");
        }

        await Assert.ThrowsAsync<ConcurrencyException>(async () => await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "B", 1)), ExpectedVersion.Exactly(0)));
        AppendResult result = await store.AppendAsync("cart-1", Items(new ItemAdded("cart-1", "C", 1)), ExpectedVersion.Exactly(1));

        Assert.Equal(2, result.StreamVersion);
        Assert.Equal(3, result.LastPosition);
    }

    [Fact]
    public async Task ManyStreamsQueuedTogether_EachKeepItsOwnVersions()
    {
        await using SqliteEventStore store = Open();
        var appends = new List<ValueTask<AppendResult>>();
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 300; i++)
            {
                ExpectedVersion expected = round == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(0);
                appends.Add(store.AppendAsync("cart-" + i, Items(new ItemAdded("cart-" + i, "A", round)), expected));
            }
        }

        foreach (ValueTask<AppendResult> append in appends)
        {
            await append;
        }

        Assert.Equal(1, await store.GetStreamVersionAsync("cart-299"));
        Assert.Equal(600, await store.GetLastPositionAsync());
    }

    [Fact]
    public async Task Open_WithBusyTimeoutZeroWhileAnotherConnectionHoldsTheWriteLock_FailsInsteadOfWaitingForever()
    {
        await using (Open())
        {
            // The file and its schema exist.
        }

        using SqliteConnection raw = _file.OpenRaw();
        Execute(raw, "BEGIN IMMEDIATE");
        var options = new SqliteStoreOptions { DatabasePath = _file.Path, Serializer = TestSerializer.Create(), BusyTimeout = TimeSpan.Zero };

        // Zero means "do not wait"; a command timeout of zero would mean "retry forever" to Microsoft.Data.Sqlite.
        // The generous guard only tells a hang from an answer.
        Task opening = Task.Run(() => new SqliteEventStore(options).Dispose());
        Task openingInbox = Task.Run(() => new SqliteInbox(options).Dispose());
        await Assert.ThrowsAsync<SqliteException>(() => opening.WaitAsync(TimeSpan.FromSeconds(60)));
        await Assert.ThrowsAsync<SqliteException>(() => openingInbox.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Options_OutOfRange_AreRejectedByName()
    {
        Assert.Contains("MaxBatchSize", Assert.Throws<ArgumentException>(() => new SqliteEventStore(new SqliteStoreOptions { DatabasePath = _file.Path, MaxBatchSize = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("ReadPageSize", Assert.Throws<ArgumentException>(() => new SqliteStoreOptions { ReadPageSize = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("MaxEventSize", Assert.Throws<ArgumentException>(() => new SqliteStoreOptions { MaxEventSize = -1 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("DatabasePath", Assert.Throws<ArgumentException>(() => new SqliteStoreOptions { DatabasePath = " " }.Validate()).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_file.Path));
    }

    /// <summary>PRAGMA synchronous is a setting of each connection, so it is read on the store's own writer connection.</summary>
    private long WriterSynchronousSetting(SqliteSynchronous synchronous)
    {
        // A fresh connection opened the way the store opens its writer shows the value the store sets.
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _file.Path, Pooling = false }.ToString());
        SqliteSchema.Open(connection, _file.Path, synchronous, TimeSpan.FromSeconds(1));
        return (long)Scalar(connection, "PRAGMA synchronous")!;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
