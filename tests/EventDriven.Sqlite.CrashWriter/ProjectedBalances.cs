using EventDriven.Projections;
using EventDriven.Sqlite.Projections;
using EventDriven.Store;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.CrashWriter;

/// <summary>
/// The read model the projection kill test checks: per stream, a running total (plus its version + 1 per event) and a count, and
/// one row per applied position. Neither the total nor the count is idempotent, so an event applied twice shows, and a lost one too.
/// </summary>
public sealed class ProjectedBalances(Action<long> applied) : IProjection<SqliteProjectionWriter>
{
    public string Name => "balances";

    public void Setup(SqliteProjectionWriter writer)
    {
        writer.Execute("CREATE TABLE IF NOT EXISTS balances (stream_id TEXT PRIMARY KEY, total INTEGER NOT NULL, events INTEGER NOT NULL) WITHOUT ROWID");
        writer.Execute("CREATE TABLE IF NOT EXISTS balances_applied (position INTEGER PRIMARY KEY)");
    }

    public void Apply(IEvent @event, StoredEvent stored, SqliteProjectionWriter writer)
    {
        if (@event is not CrashEvent crash || crash.StreamId != stored.StreamId)
        {
            throw new InvalidOperationException($"position {stored.Position} is not the CrashEvent of its stream");
        }

        SqliteCommand add = writer.Command("""
            INSERT INTO balances (stream_id, total, events) VALUES ($stream, $amount, 1)
            ON CONFLICT (stream_id) DO UPDATE SET total = total + excluded.total, events = events + 1
            """);
        SqliteProjectionWriter.Set(add, "$stream", stored.StreamId);
        SqliteProjectionWriter.Set(add, "$amount", stored.StreamVersion + 1);
        add.ExecuteNonQuery();
        SqliteCommand position = writer.Command("INSERT INTO balances_applied (position) VALUES ($position)");
        SqliteProjectionWriter.Set(position, "$position", stored.Position);
        position.ExecuteNonQuery();
        applied(stored.Position);
    }

    public void Reset(SqliteProjectionWriter writer)
    {
        writer.Execute("DELETE FROM balances");
        writer.Execute("DELETE FROM balances_applied");
    }
}
