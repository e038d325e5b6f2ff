using EventDriven.Outbox;
using EventDriven.Serialization;
using EventDriven.Store;

namespace EventDriven.Sqlite;

/// <summary>Settings of a <see cref="SqliteEventStore"/>.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The file name used when none is given: <c>eventdriven.db</c>, in the working directory.</summary>
    public const string DefaultDatabasePath = "eventdriven.db";

    /// <summary>
    /// The database file; created with its schema when missing. SQLite keeps two companion files next to it while it is open
    /// (<c>-wal</c> and <c>-shm</c>): copy or delete the three together.
    /// </summary>
    public string DatabasePath { get; set; } = DefaultDatabasePath;

    /// <summary>
    /// The durability of a commit. <see cref="SqliteSynchronous.Full"/> (default): an acknowledged append survives power loss.
    /// <see cref="SqliteSynchronous.Normal"/>: it survives a process crash, but the last commits may be lost on a power loss or an
    /// operating-system crash.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>The largest payload in bytes one event may serialize to (default 1 MiB); a larger one fails its append with <see cref="EventTooLargeException"/>.</summary>
    public int MaxEventSize { get; set; } = InMemoryEventStore.DefaultMaxEventSize;

    /// <summary>
    /// The most events the writer commits in one transaction (default 4,096). Appends waiting together are committed together up
    /// to this size; a single append larger than it is still committed whole, in a transaction of its own.
    /// </summary>
    public int MaxBatchSize { get; set; } = 4096;

    /// <summary>How many rows a reader fetches per query (default 512): readers never load the whole store.</summary>
    public int ReadPageSize { get; set; } = 512;

    /// <summary>How long to wait for another connection or process holding the database's write lock (default 5 s).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The event types to read and write, used when <see cref="Serializer"/> is not set (default: every generated event type).</summary>
    public EventTypeRegistry? EventTypes { get; set; }

    /// <summary>The serializer; default a <see cref="JsonEventSerializer"/> over <see cref="EventTypes"/>.</summary>
    public IEventSerializer? Serializer { get; set; }

    /// <summary>Settings of the <see cref="SqliteInbox"/> in the same file: how long processed event ids are remembered.</summary>
    public SqliteInboxOptions Inbox { get; } = new();

    /// <summary>
    /// Which appended events also leave the service through the outbox table of this file (none by default), and how its relay sends
    /// them: <c>o.Outbox.Include&lt;OrderPlaced&gt;()</c>. See <see cref="SqliteOutbox"/>.
    /// </summary>
    public OutboxOptions Outbox { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            throw new ArgumentException("SqliteStoreOptions.DatabasePath is empty; give the database file's path (for example \"eventdriven.db\").", nameof(DatabasePath));
        }

        if (!Enum.IsDefined(Synchronous))
        {
            throw new ArgumentException($"SqliteStoreOptions.Synchronous is {(int)Synchronous}, which is neither Full nor Normal.", nameof(Synchronous));
        }

        Inbox.Validate();
        Outbox.Validate();
        ThrowIfBelowOne(MaxEventSize, nameof(MaxEventSize));
        ThrowIfBelowOne(MaxBatchSize, nameof(MaxBatchSize));
        ThrowIfBelowOne(ReadPageSize, nameof(ReadPageSize));
        if (BusyTimeout < TimeSpan.Zero || BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException($"SqliteStoreOptions.BusyTimeout is {BusyTimeout}; it must be zero or more and under 24 days.", nameof(BusyTimeout));
        }
    }

    private static void ThrowIfBelowOne(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentException($"SqliteStoreOptions.{name} is {value}; it must be at least 1.", name);
        }
    }
}
