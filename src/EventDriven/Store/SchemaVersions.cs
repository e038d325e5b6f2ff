namespace EventDriven.Store;

/// <summary>What a store finds when it compares a component's stored schema version with the version this library writes.</summary>
public enum SchemaVersionCheck
{
    /// <summary>No version is stored: the component's tables do not exist yet; create them and record the version.</summary>
    Missing,

    /// <summary>The stored version is the one this library writes: use the tables as they are.</summary>
    Current,

    /// <summary>Written by an older library: the place for a migration (none exists yet, version 1 is the first).</summary>
    Older,

    /// <summary>Written by a newer library: refuse the database (throw an <see cref="IncompatibleStoreException"/>) and change nothing.</summary>
    Newer,
}

/// <summary>
/// The schema-version rules every storage backend keeps, in one place: each component sharing a database (events, inbox, dead
/// letters, sagas, later the outbox) records its schema version; a library never writes a layout newer than it knows.
/// </summary>
public static class SchemaVersions
{
    /// <summary>Compares <paramref name="storedVersion"/> (<see langword="null"/> when none is recorded) with <paramref name="knownVersion"/>.</summary>
    public static SchemaVersionCheck Check(long? storedVersion, int knownVersion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(knownVersion, 1);
        return storedVersion switch
        {
            null => SchemaVersionCheck.Missing,
            { } stored when stored > knownVersion => SchemaVersionCheck.Newer,
            { } stored when stored < knownVersion => SchemaVersionCheck.Older,
            _ => SchemaVersionCheck.Current,
        };
    }

    /// <summary>The reason an <see cref="IncompatibleStoreException"/> gives for a <see cref="SchemaVersionCheck.Newer"/> component.</summary>
    /// <param name="component">The component, e.g. <c>"events"</c>.</param>
    /// <param name="storedVersion">The version the database records.</param>
    /// <param name="knownVersion">The newest version this library knows.</param>
    /// <param name="package">The package that wrote it, e.g. <c>"EventDriven.Sqlite"</c>.</param>
    public static string NewerReason(string component, long storedVersion, int knownVersion, string package)
        => $"its '{component}' tables have schema version {storedVersion}, written by a newer {package}; this version knows up to {knownVersion}. Upgrade the package.";
}
