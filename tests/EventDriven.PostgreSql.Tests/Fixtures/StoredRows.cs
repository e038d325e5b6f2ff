using Npgsql;

namespace EventDriven.PostgreSql.Tests.Fixtures;

/// <summary>Every row of a schema's events table, read with plain SQL (not through the store under test), and the checks every test makes on them.</summary>
public sealed record StoredRows(List<(long Position, string Stream, long Version, Guid Id)> Rows)
{
    public HashSet<Guid> Ids { get; } = [.. Rows.Select(r => r.Id)];

    public static async Task<StoredRows> ReadAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand($"SELECT position, stream_id, stream_version, event_id FROM {schema}.events ORDER BY position", connection);
        await using NpgsqlDataReader reader = await select.ExecuteReaderAsync();
        var rows = new List<(long, string, long, Guid)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetGuid(3)));
        }

        return new StoredRows(rows);
    }

    /// <summary>Positions 1..n without a gap, each id once, each stream's versions 0..m without a gap.</summary>
    public void AssertDenseAndGapFree()
    {
        Assert.Equal(Enumerable.Range(1, Rows.Count).Select(p => (long)p), Rows.Select(r => r.Position));
        Assert.Equal(Rows.Count, Ids.Count);
        foreach (IGrouping<string, (long Position, string Stream, long Version, Guid Id)> stream in Rows.GroupBy(r => r.Stream))
        {
            Assert.Equal(Enumerable.Range(0, stream.Count()).Select(v => (long)v), stream.Select(r => r.Version));
        }
    }
}
