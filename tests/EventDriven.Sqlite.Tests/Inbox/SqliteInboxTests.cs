using EventDriven.Sqlite.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Tests.Inbox;

/// <summary>The durable inbox on its own: marks, reopening, concurrency, one-transaction work, retention.</summary>
public sealed class SqliteInboxTests : IDisposable
{
    private const string Consumer = "Shop.Billing.ChargeCard";
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task ExecuteOnce_CommitsTheWorkAndTheMarkTogether_AndSkipsTheSecondTime()
    {
        CreateLedger();
        using var inbox = new SqliteInbox(_file.Path);
        Guid eventId = Guid.NewGuid();
        int runs = 0;

        bool first = await inbox.ExecuteOnceAsync(Consumer, eventId, (connection, transaction, ct) => { runs++; return AddLedgerRowAsync(connection, transaction, eventId, ct); });
        bool second = await inbox.ExecuteOnceAsync(Consumer, eventId, (connection, transaction, ct) => { runs++; return AddLedgerRowAsync(connection, transaction, eventId, ct); });

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(1, runs);
        Assert.Equal(1, CountRows("ledger"));
        Assert.True(await inbox.HasProcessedAsync(Consumer, eventId));
    }

    [Fact]
    public async Task ExecuteOnce_WhenTheWorkFailsAfterWriting_WritesNeitherTheRowNorTheMark_AndTheRetryDoesBoth()
    {
        CreateLedger();
        using var inbox = new SqliteInbox(_file.Path);
        Guid eventId = Guid.NewGuid();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () => await inbox.ExecuteOnceAsync(Consumer, eventId, async (connection, transaction, ct) =>
        {
            await AddLedgerRowAsync(connection, transaction, eventId, ct);
            throw new InvalidOperationException("the payment gateway said no after the row was written");
        }));

        Assert.Contains("gateway", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, CountRows("ledger"));
        Assert.False(await inbox.HasProcessedAsync(Consumer, eventId));

        Assert.True(await inbox.ExecuteOnceAsync(Consumer, eventId, (connection, transaction, ct) => AddLedgerRowAsync(connection, transaction, eventId, ct)));
        Assert.Equal(1, CountRows("ledger"));
        Assert.Equal(1, CountRows("inbox"));
    }

    [Fact]
    public async Task ExecuteOnce_CancelledDuringTheWork_WritesNothing()
    {
        CreateLedger();
        using var inbox = new SqliteInbox(_file.Path);
        Guid eventId = Guid.NewGuid();
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await inbox.ExecuteOnceAsync(Consumer, eventId, async (connection, transaction, ct) =>
        {
            await AddLedgerRowAsync(connection, transaction, eventId, ct);
            await cancellation.CancelAsync();
        }, cancellation.Token));

        Assert.Equal(0, CountRows("ledger"));
        Assert.Equal(0, CountRows("inbox"));
    }

    [Fact]
    public async Task ExecuteOnce_AndAMark_ShareTheRecord_SoAnInboxHandlerCanUseBoth()
    {
        CreateLedger();
        using var inbox = new SqliteInbox(_file.Path);
        Guid eventId = Guid.NewGuid();

        Assert.True(await inbox.ExecuteOnceAsync(Consumer, eventId, (connection, transaction, ct) => AddLedgerRowAsync(connection, transaction, eventId, ct)));

        // What InboxDispatch does after the handler returned: the mark is already there.
        Assert.False(await inbox.MarkProcessedAsync(Consumer, eventId));
    }

    [Fact]
    public async Task PeriodicPurge_RunsOnTheTimer_AndStopsWhenTheInboxIsDisposed()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var inbox = new SqliteInbox(Options(o => (o.Inbox.Retention, o.Inbox.PurgeInterval) = (TimeSpan.FromDays(1), TimeSpan.FromHours(1))), clock);
        Guid eventId = Guid.NewGuid();
        await inbox.MarkProcessedAsync(Consumer, eventId);
        clock.Advance(TimeSpan.FromDays(2));

        clock.FireTimers();
        await inbox.LastBackgroundPurge;

        Assert.Null(inbox.LastPurgeFailure);
        Assert.False(await inbox.HasProcessedAsync(Consumer, eventId));
        inbox.Dispose();
        Assert.Equal(0, clock.LiveTimers);
    }

    [Fact]
    public void PeriodicPurge_Off_CreatesNoTimer()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        using var inbox = new SqliteInbox(Options(o => o.Inbox.PurgeInterval = null), clock);

        Assert.Equal(0, clock.LiveTimers);
    }

    [Theory]
    [InlineData(0, 1, "Retention")]
    [InlineData(-1, 1, "Retention")]
    [InlineData(1, 0, "PurgeInterval")]
    public void BadRetentionSettings_FailNamingTheSetting(int retentionDays, int purgeHours, string setting)
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteInbox(Options(o =>
        {
            o.Inbox.Retention = TimeSpan.FromDays(retentionDays);
            o.Inbox.PurgeInterval = TimeSpan.FromHours(purgeHours);
        })));

        Assert.Contains("SqliteInboxOptions." + setting, error.Message, StringComparison.Ordinal);
    }

    private SqliteStoreOptions Options(Action<SqliteStoreOptions> configure)
    {
        var options = new SqliteStoreOptions { DatabasePath = _file.Path };
        configure(options);
        return options;
    }

    private void CreateLedger()
    {
        // The handler's own table, in the same file: created through the inbox's file once it is an EventDriven database.
        using (new SqliteInbox(_file.Path))
        {
        }

        using SqliteConnection raw = _file.OpenRaw();
        using SqliteCommand create = raw.CreateCommand();
        create.CommandText = "CREATE TABLE ledger (event_id BLOB PRIMARY KEY, amount INTEGER NOT NULL)";
        create.ExecuteNonQuery();
    }

    private static async ValueTask AddLedgerRowAsync(SqliteConnection connection, SqliteTransaction transaction, Guid eventId, CancellationToken cancellationToken)
    {
        await using SqliteCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO ledger (event_id, amount) VALUES ($id, 100)";
        insert.Parameters.AddWithValue("$id", eventId);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private long CountRows(string table)
    {
        using SqliteConnection raw = _file.OpenRaw();
        using SqliteCommand count = raw.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM {table}";
        return (long)count.ExecuteScalar()!;
    }
}
