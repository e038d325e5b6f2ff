using EventDriven.Outbox;
using EventDriven.Serialization;
using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>Settings of the PostgreSQL stores (<see cref="PostgresEventStore"/>, <see cref="PostgresInbox"/>, <see cref="PostgresSagaStore"/>, <see cref="PostgresDeadLetterStore"/>).</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>The PostgreSQL schema the tables live in when none is given: <c>eventdriven</c>.</summary>
    public const string DefaultSchema = "eventdriven";

    /// <summary>
    /// The server to use, as an Npgsql connection string (for example <c>Host=db;Database=shop;Username=shop;Password=…</c>). Ignored
    /// when <see cref="DataSource"/> is set.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Your own data source (its pool, logging and settings), used instead of <see cref="ConnectionString"/>. The stores never dispose
    /// it. Build it with <see cref="NpgsqlSlimDataSourceBuilder"/> under native AOT.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>
    /// The PostgreSQL schema of the tables (default <see cref="DefaultSchema"/>), created when missing: give each service its own, or
    /// share one between processes that share a store. Lower-case letters, digits and underscores, starting with a letter or an
    /// underscore, at most 63 characters (so it never needs quoting).
    /// </summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>The largest payload in bytes one event may serialize to (default 1 MiB); a larger one fails its append with <see cref="EventTooLargeException"/>.</summary>
    public int MaxEventSize { get; set; } = InMemoryEventStore.DefaultMaxEventSize;

    /// <summary>
    /// The most events the writer commits in one transaction (default 4,096). Appends waiting together are committed together up to
    /// this size; a single append larger than it is still committed whole, in a transaction of its own.
    /// </summary>
    public int MaxBatchSize { get; set; } = 4096;

    /// <summary>How many rows a reader fetches per query (default 512): readers never load the whole store.</summary>
    public int ReadPageSize { get; set; } = 512;

    /// <summary>The event types to read and write, used when <see cref="Serializer"/> is not set (default: every generated event type).</summary>
    public EventTypeRegistry? EventTypes { get; set; }

    /// <summary>The serializer; default a <see cref="JsonEventSerializer"/> over <see cref="EventTypes"/>.</summary>
    public IEventSerializer? Serializer { get; set; }

    /// <summary>Settings of the <see cref="PostgresInbox"/>: how long processed event ids are remembered.</summary>
    public PostgresInboxOptions Inbox { get; } = new();

    /// <summary>
    /// Which appended events also leave the service through the schema's outbox table (none by default), and how relays send them:
    /// <c>o.Outbox.Include&lt;OrderPlaced&gt;()</c>. See <see cref="PostgresOutbox"/>.
    /// </summary>
    public OutboxOptions Outbox { get; } = new();

    /// <summary>
    /// How many partitions the outbox's rows are hashed into by partition key (default 16): relays of several processes share them,
    /// one relay per partition at a time, so this is the most relays that can send at once. It is fixed when the outbox table is
    /// created (by the first process that creates it, in <c>outbox_settings</c>); every writer and relay then uses the schema's count,
    /// whatever this setting says, so processes configured differently cannot disagree.
    /// </summary>
    public int OutboxPartitions { get; set; } = 16;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is missing or out of range.</summary>
    public void Validate()
    {
        if (DataSource is null && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("PostgresStoreOptions has neither a ConnectionString nor a DataSource; give one (for example \"Host=localhost;Database=shop;Username=shop\").", nameof(ConnectionString));
        }

        if (DataSource is null)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException invalid)
            {
                throw new ArgumentException($"PostgresStoreOptions.ConnectionString is not a valid Npgsql connection string: {invalid.Message}", nameof(ConnectionString), invalid);
            }
        }

        if (!PostgresSchema.IsPlainIdentifier(Schema))
        {
            throw new ArgumentException($"PostgresStoreOptions.Schema is '{Schema}'; use lower-case letters, digits and underscores, starting with a letter or an underscore, at most 63 characters.", nameof(Schema));
        }

        Inbox.Validate();
        Outbox.Validate();
        if (OutboxPartitions is < 1 or > 4096)
        {
            throw new ArgumentException($"PostgresStoreOptions.OutboxPartitions is {OutboxPartitions}; it must be from 1 to 4096.", nameof(OutboxPartitions));
        }
        ThrowIfBelowOne(MaxEventSize, nameof(MaxEventSize));
        ThrowIfBelowOne(MaxBatchSize, nameof(MaxBatchSize));
        ThrowIfBelowOne(ReadPageSize, nameof(ReadPageSize));
    }

    private static void ThrowIfBelowOne(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentException($"PostgresStoreOptions.{name} is {value}; it must be at least 1.", name);
        }
    }
}
