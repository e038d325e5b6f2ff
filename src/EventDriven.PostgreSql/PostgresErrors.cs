using System.Net.Sockets;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>Which failures mean "the server cannot be used now" (as opposed to a failed statement), and how to say so.</summary>
internal static class PostgresErrors
{
    /// <summary>
    /// True for a connection that could not be opened or was lost: unreachable host, refused login, missing database, a server
    /// shutting down or restarting, a broken socket, a timeout while connecting.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresUnavailableException => false, // already translated
        PostgresException server => IsConnectionState(server.SqlState),
        NpgsqlException { InnerException: IOException or SocketException or TimeoutException } => true,
        NpgsqlException client => client.IsTransient,
        SocketException or IOException => true,
        _ => false,
    };

    /// <summary>What went wrong, in words, and whether a retry can outlive it.</summary>
    public static (string Problem, bool IsTransient) Describe(Exception exception) => exception switch
    {
        PostgresException { SqlState: "28P01" or "28000" } server => ($"the login was refused ({server.MessageText}); check the user name and password.", false),
        PostgresException { SqlState: "3D000" } server => ($"{server.MessageText}; create the database or fix the connection string.", false),
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" } server => ($"the server is shutting down or starting ({server.MessageText}); retry once it is up.", true),
        PostgresException server => ($"{server.MessageText} (SQLSTATE {server.SqlState}).", true),
        NpgsqlException { InnerException: TimeoutException } => ("no answer in time; is the server up and reachable from here?", true),
        NpgsqlException client => ($"{client.Message.TrimEnd('.')}{(client.InnerException is { } inner ? " (" + inner.Message.TrimEnd('.') + ")" : "")}; the server is unreachable, down or restarting.", true),
        _ => (exception.Message, true),
    };

    // Class 08 (connection exception), 28 (invalid authorization), 3D000 (no such database), 53300 (too many connections),
    // 57P01..03 (admin shutdown, crash shutdown, cannot connect now).
    private static bool IsConnectionState(string state)
        => state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("28", StringComparison.Ordinal)
        || state is "3D000" or "53300" or "57P01" or "57P02" or "57P03";
}
