using Npgsql;

namespace EventDriven.PostgreSql.Inbox;

/// <summary>The inbox statements run on a caller's connection (a unit of work, <see cref="PostgresInbox.ExecuteOnceAsync"/>).</summary>
internal static class InboxSql
{
    public static string Exists(string schema) => $"SELECT 1 FROM {schema}.inbox WHERE consumer = $1 AND event_id = $2";

    /// <summary>
    /// Records the event for the consumer in <paramref name="transaction"/>; false when it already was. A concurrent transaction
    /// recording the same pair makes this wait for its end (the primary key's lock), so exactly one of them records it.
    /// </summary>
    public static async ValueTask<bool> MarkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string consumer, Guid eventId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        PostgresText.ThrowIfNul(consumer, nameof(consumer));
        await using var mark = new NpgsqlCommand($"INSERT INTO {schema}.inbox (consumer, event_id, processed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", connection, transaction);
        mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        mark.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        mark.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = at.UtcDateTime });
        return await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
