using Npgsql;

namespace EventDriven.PostgreSql.Projections;

/// <summary>
/// What a PostgreSQL projection writes its read model through, inside the batch's transaction (which also moves its checkpoint).
/// Valid only during the <c>Setup</c>, <c>Apply</c> or <c>Reset</c> call that receives it.
/// </summary>
/// <remarks>
/// <see cref="Add"/> queues a statement; the queued statements of the whole batch and the checkpoint update go to the server
/// together in one round trip, which is what makes a catch-up fast. Use <see cref="Connection"/> with <see cref="Transaction"/>
/// only when a statement's result is needed in <c>Apply</c> (it runs at once, synchronously, after the statements queued before it).
/// </remarks>
public sealed class PostgresProjectionWriter
{
    private readonly NpgsqlBatch _batch;

    internal PostgresProjectionWriter(NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlBatch batch, string schema)
    {
        Connection = connection;
        Transaction = transaction;
        Schema = schema;
        _batch = batch;
    }

    /// <summary>The batch's connection.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The batch's transaction; never commit or roll it back.</summary>
    public NpgsqlTransaction Transaction { get; }

    /// <summary>The store's PostgreSQL schema, for read-model tables kept beside its own.</summary>
    public string Schema { get; }

    /// <summary>Queues <paramref name="sql"/> with positional parameters (<c>$1</c>, <c>$2</c>, …) for the batch's round trip.</summary>
    public void Add(string sql, params object?[] parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        var command = new NpgsqlBatchCommand(sql);
        foreach (object? parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        _batch.BatchCommands.Add(command);
    }

    /// <summary>Runs what is queued so far, then <paramref name="sql"/>, at once; returns the rows it changed.</summary>
    public int Execute(string sql, params object?[] parameters)
    {
        Flush();
        using var command = new NpgsqlCommand(sql, Connection, Transaction);
        foreach (object? parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>Sends the queued statements (the checkpoints' commit calls it last, with the checkpoint update queued).</summary>
    internal void Flush()
    {
        if (_batch.BatchCommands.Count > 0)
        {
            _batch.ExecuteNonQuery();
            _batch.BatchCommands.Clear();
        }
    }
}
