using Npgsql;

namespace EventDriven.PostgreSql.Inbox;

/// <summary>
/// The inbox marks of one group, written with one <c>INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING</c> just before
/// the commit: the returned rows say which marks are new. Two marks of one group for the same consumer and event: the first records
/// it, the second finds it recorded.
/// </summary>
internal sealed class InboxMarks(string schema)
{
    private readonly string _insertSql = $"""
        INSERT INTO {schema}.inbox (consumer, event_id, processed_at)
        SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[])
        ON CONFLICT DO NOTHING
        RETURNING consumer, event_id
        """;

    private readonly List<PendingMark> _marks = [];
    private readonly Dictionary<(string Consumer, Guid EventId), PendingMark> _first = [];

    public void Add(PendingMark mark)
    {
        _marks.Add(mark);
        _first.TryAdd((mark.Consumer, mark.EventId), mark);
    }

    /// <summary>Adds the group's one insert of marks to <paramref name="batch"/> (nothing when there are none); read its answer with <see cref="ReadRecorded"/>.</summary>
    public bool AddInsert(NpgsqlBatch batch)
    {
        if (_first.Count == 0)
        {
            return false;
        }

        var consumers = new string[_first.Count];
        var ids = new Guid[_first.Count];
        var at = new DateTime[_first.Count];
        int i = 0;
        foreach (PendingMark mark in _first.Values)
        {
            consumers[i] = mark.Consumer;
            ids[i] = mark.EventId;
            at[i] = mark.ProcessedAt.UtcDateTime;
            i++;
        }

        var insert = new NpgsqlBatchCommand(_insertSql);
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = consumers });
        insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        insert.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = at });
        batch.BatchCommands.Add(insert);
        return true;
    }

    /// <summary>Reads the insert's returned rows (the reader at its result set): those marks are recorded now.</summary>
    public void ReadRecorded(NpgsqlDataReader reader)
    {
        while (reader.Read())
        {
            _first[(reader.GetString(0), reader.GetGuid(1))].Recorded = true;
        }
    }

    /// <summary>The group committed: the marks keep their answers; start the next group empty.</summary>
    public void Acknowledged()
    {
        _marks.Clear();
        _first.Clear();
    }

    /// <summary>The group rolled back: no mark of it was recorded.</summary>
    public void RolledBack()
    {
        foreach (PendingMark mark in _marks)
        {
            mark.Recorded = false;
        }

        Acknowledged();
    }
}
