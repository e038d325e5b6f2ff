using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Writing;

/// <summary>
/// Commands on the writer's connection, prepared once per SQL text and reused: the inbox mark, the saga insert and update, the
/// dead-letter insert. Writer thread only.
/// </summary>
internal sealed class SqliteCommandCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The prepared command for <paramref name="sql"/>, in <paramref name="transaction"/>; parameters are bound by the caller by name.</summary>
    public SqliteCommand Get(string sql, SqliteTransaction transaction)
    {
        if (!_commands.TryGetValue(sql, out SqliteCommand? command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = transaction;
        return command;
    }

    /// <summary>
    /// Sets parameter <paramref name="name"/> (created on first use) to <paramref name="value"/>, <see langword="null"/> as SQL NULL.
    /// A <see cref="Guid"/> is bound as its 16 bytes (Microsoft.Data.Sqlite would write text), as every EventDriven table stores ids.
    /// </summary>
    public static void Set(SqliteCommand command, string name, object? value)
    {
        int index = command.Parameters.IndexOf(name);
        SqliteParameter parameter = index >= 0 ? command.Parameters[index] : command.Parameters.Add(new SqliteParameter { ParameterName = name });
        if (value is Guid)
        {
            parameter.SqliteType = SqliteType.Blob;
        }

        parameter.Value = value ?? DBNull.Value;
    }

    public void Dispose()
    {
        foreach (SqliteCommand command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
