namespace EventDriven.PostgreSql;

/// <summary>
/// The PostgreSQL server could not be used: it cannot be reached, refused the login, has no such database, or went away (a restart,
/// a network failure) while a command ran. The message names the server and what it said.
/// </summary>
/// <remarks>
/// Nothing of a failed append, mark or save is acknowledged, but one that was cut off while committing may have been written:
/// retrying it with the same event ids is safe (appends are idempotent by event id, marks by consumer and event id).
/// <see cref="IsTransient"/> says whether a retry can succeed without someone changing the configuration.
/// </remarks>
public sealed class PostgresUnavailableException : Exception
{
    /// <summary>Creates the exception for the server at <paramref name="server"/>.</summary>
    public PostgresUnavailableException(string server, string problem, bool isTransient, Exception innerException)
        : base($"PostgreSQL at {server}: {problem}", innerException)
    {
        Server = server;
        IsTransient = isTransient;
    }

    /// <summary>The server as the connection string names it: host, port, database and user.</summary>
    public string Server { get; }

    /// <summary>True for failures a retry can outlive (unreachable, restarting, connection lost); false for a wrong password or a missing database.</summary>
    public bool IsTransient { get; }
}
