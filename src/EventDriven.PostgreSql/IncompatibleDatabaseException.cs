using EventDriven.Store;

namespace EventDriven.PostgreSql;

/// <summary>
/// The PostgreSQL schema given to a store cannot be used: its EventDriven tables were written by a newer version of the library.
/// Nothing in it was changed.
/// </summary>
public sealed class IncompatibleDatabaseException : IncompatibleStoreException
{
    /// <summary>Creates the exception for the store at <paramref name="location"/> (server, database and schema).</summary>
    public IncompatibleDatabaseException(string location, string reason, Exception? innerException = null)
        : base($"The PostgreSQL store {location} cannot be used: {reason} Nothing in it was changed.", innerException)
    {
        Location = location;
    }

    /// <summary>Where the store is: server, database and schema, as in the message.</summary>
    public string Location { get; }
}
