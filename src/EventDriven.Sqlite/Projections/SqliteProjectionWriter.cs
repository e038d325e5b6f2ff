using EventDriven.Sqlite.Writing;
using Microsoft.Data.Sqlite;

namespace EventDriven.Sqlite.Projections;

/// <summary>
/// What a SQLite projection writes its read model through: the database's write connection inside the batch's transaction, which
/// also moves the projection's checkpoint. Valid only during the <c>Setup</c>, <c>Apply</c> or <c>Reset</c> call that receives it.
/// </summary>
public sealed class SqliteProjectionWriter
{
    private readonly SqliteWriter _writer;

    internal SqliteProjectionWriter(SqliteWriter writer) => _writer = writer;

    /// <summary>The write connection. Give every command you create <see cref="Transaction"/>; never commit or roll it back.</summary>
    public SqliteConnection Connection => _writer.Connection;

    /// <summary>The batch's transaction.</summary>
    public SqliteTransaction Transaction => _writer.Transaction;

    /// <summary>
    /// A command for <paramref name="sql"/>, prepared once per SQL text on this connection and reused by every later batch (what makes a
    /// catch-up fast), already in the transaction. Set its parameters with <see cref="Set"/> and execute it; do not dispose it.
    /// </summary>
    public SqliteCommand Command(string sql)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        return _writer.Commands.Get(sql, _writer.Transaction);
    }

    /// <summary>Sets parameter <paramref name="name"/> of a <see cref="Command"/> (created on first use); a <see cref="Guid"/> is bound as its 16 bytes, null as SQL NULL.</summary>
    public static void Set(SqliteCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(name);
        SqliteCommandCache.Set(command, name, value);
    }

    /// <summary>Runs <paramref name="sql"/> without parameters (DDL in <c>Setup</c>, a <c>DELETE</c> in <c>Reset</c>).</summary>
    /// <returns>The number of rows changed.</returns>
    public int Execute(string sql)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        using SqliteCommand command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }
}
