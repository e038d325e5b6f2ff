using EventDriven.Store;

namespace EventDriven.Sqlite;

/// <summary>
/// The file given as the store's database cannot be used: it is not a SQLite database, it is another program's database, or an
/// EventDriven database written by a newer version of the library. Nothing in the file was changed.
/// </summary>
public sealed class IncompatibleDatabaseException : IncompatibleStoreException
{
    /// <summary>Creates the exception for <paramref name="databasePath"/>.</summary>
    public IncompatibleDatabaseException(string databasePath, string reason, Exception? innerException = null)
        : base($"The file '{databasePath}' cannot be opened as an EventDriven store: {reason} Nothing in it was changed.", innerException)
    {
        DatabasePath = databasePath;
    }

    /// <summary>The path of the file.</summary>
    public string DatabasePath { get; }
}
