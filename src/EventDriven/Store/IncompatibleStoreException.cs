namespace EventDriven.Store;

/// <summary>
/// A database given to a store cannot be used: it is not the kind of database the store needs, it belongs to another program, or
/// it was written by a newer version of the library (<see cref="SchemaVersionCheck.Newer"/>). Nothing in it was changed.
/// Each backend throws its own subclass naming the database (for SQLite, <c>IncompatibleDatabaseException</c> with the file).
/// </summary>
public abstract class IncompatibleStoreException : Exception
{
    /// <summary>Creates the exception with the whole message.</summary>
    protected IncompatibleStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
