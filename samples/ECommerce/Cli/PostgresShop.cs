using Npgsql;

namespace ECommerce.Cli;

/// <summary>What the job does to a PostgreSQL server before a run: start from an empty schema, and say which server it is.</summary>
internal static class PostgresShop
{
    /// <summary>Drops the run's schema with everything in it (the tables are created again at the first write).</summary>
    public static async Task DropSchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {ShopJobOptions.PostgresSchema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Host, port and database, without the password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
    }
}
