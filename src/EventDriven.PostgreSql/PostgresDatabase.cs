using EventDriven.Outbox;
using EventDriven.PostgreSql.Writing;
using EventDriven.Store.GroupCommit;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>
/// One PostgreSQL store (a data source and a schema) as the stores of this process share it: its single <see cref="PostgresWriter"/>
/// (one write connection, one group-commit thread), the data source its readers take pooled connections from, and the creation of
/// each component's tables.
/// </summary>
/// <remarks>
/// Every <see cref="PostgresEventStore"/>, <see cref="PostgresInbox"/>, <see cref="PostgresSagaStore"/> and
/// <see cref="PostgresDeadLetterStore"/> opened with the same connection string (or data source), schema and group size shares one
/// instance, counted by <see cref="Acquire"/> and <see cref="ReleaseAsync"/>: their writes commit together. Other processes have
/// writers of their own; the append lock keeps their positions in commit order (see <see cref="EventAppendSession"/>).
/// </remarks>
internal sealed class PostgresDatabase
{
    private static readonly Dictionary<Key, PostgresDatabase> s_open = [];
    private static readonly Lock s_openGate = new();

    private readonly Key _key;
    private readonly bool _ownsDataSource;
    private readonly Dictionary<string, Task> _components = new(StringComparer.Ordinal);
    private readonly Lock _componentsGate = new();
    private readonly HashSet<string> _required = new(StringComparer.Ordinal);
    private int _ready;
    private readonly int _maxBatchSize;
    private PostgresWriter? _writer;
    private int _users;

    private PostgresDatabase(Key key, PostgresStoreOptions options)
    {
        _key = key;
        Schema = key.Schema;
        _maxBatchSize = options.MaxBatchSize;
        OutboxPartitions = options.OutboxPartitions;
        if (options.DataSource is { } given)
        {
            DataSource = given;
        }
        else
        {
            // The slim builder keeps the package trimmable and AOT-clean; arrays are the one extra the stores use (unnest inserts).
            var builder = new NpgsqlSlimDataSourceBuilder(options.ConnectionString);
            builder.EnableArrays();
            DataSource = builder.Build();
            _ownsDataSource = true;
        }

        var connection = new NpgsqlConnectionStringBuilder(DataSource.ConnectionString);
        Server = $"{connection.Host}:{connection.Port} (database '{connection.Database ?? connection.Username}', user '{connection.Username}')";
        Location = $"{Server}, schema '{Schema}'";
    }

    /// <summary>The partition count an outbox table created by this process gets (<see cref="PostgresStoreOptions.OutboxPartitions"/> of the first store opened); an existing table keeps its own.</summary>
    public int OutboxPartitions { get; }

    /// <summary>The outbox statements when appends of some event types also write outbox rows (<see cref="EnableOutbox"/>); null otherwise.</summary>
    public Outbox.OutboxSql? Outbox { get; private set; }

    /// <summary>
    /// Makes every append of this process to the schema (the writer's and units of work) copy the events <paramref name="outbox"/>
    /// includes into the outbox table, in the same transaction. Every store of the schema in this process must agree.
    /// </summary>
    public void EnableOutbox(OutboxOptions outbox)
    {
        Require(PostgresSchema.OutboxComponent);
        lock (_componentsGate)
        {
            if (Outbox is { } current && !current.SameAs(outbox))
            {
                throw new InvalidOperationException($"Two stores of {Location} in this process give different outbox settings; give every store of the schema the same PostgresStoreOptions.Outbox.");
            }

            Outbox ??= new Outbox.OutboxSql(Schema, outbox);
        }
    }

    /// <summary>The PostgreSQL schema of the tables.</summary>
    public string Schema { get; }

    /// <summary>Host, port, database and user, as error messages name the server.</summary>
    public string Server { get; }

    /// <summary>Server and schema, as error messages name the store.</summary>
    public string Location { get; }

    /// <summary>Where readers, units of work and the writer take their connections.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The store's writer in this process, started at its first use.</summary>
    public PostgresWriter Writer
    {
        get
        {
            if (Volatile.Read(ref _writer) is { } writer)
            {
                return writer;
            }

            lock (_componentsGate)
            {
                return _writer ??= new PostgresWriter(this, _maxBatchSize);
            }
        }
    }

    /// <summary>The shared database of <paramref name="options"/>' server and schema. Pair every call with one <see cref="ReleaseAsync"/>.</summary>
    public static PostgresDatabase Acquire(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var key = new Key((object?)options.DataSource ?? options.ConnectionString!, options.Schema, options.MaxBatchSize);
        lock (s_openGate)
        {
            if (!s_open.TryGetValue(key, out PostgresDatabase? database))
            {
                database = new PostgresDatabase(key, options);
                s_open.Add(key, database);
            }

            database._users++;
            return database;
        }
    }

    /// <summary>
    /// Completes once <paramref name="component"/>'s tables exist (created at the first call of the process, checked against the
    /// version this library writes). A failure is not remembered: the next call tries again (the server may be back).
    /// </summary>
    /// <exception cref="IncompatibleDatabaseException">The component's tables are newer than this library.</exception>
    /// <exception cref="PostgresUnavailableException">The server cannot be reached or refused the login.</exception>
    public Task EnsureComponentAsync(string component, CancellationToken cancellationToken)
    {
        lock (_componentsGate)
        {
            if (!_components.TryGetValue(component, out Task? ready) || ready.IsFaulted || ready.IsCanceled)
            {
                ready = CreateComponentAsync(component);
                _components[component] = ready;
            }

            return ready.IsCompletedSuccessfully ? ready : ready.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Declares that this process writes to <paramref name="component"/>'s tables: the writer makes sure they exist before its next
    /// group (so stores can queue writes at once, in order, without waiting for the creation themselves).
    /// </summary>
    public void Require(string component)
    {
        lock (_componentsGate)
        {
            _required.Add(component);
        }
    }

    /// <summary>On the writer's thread, before a group: creates (or checks) every required component not yet known to exist.</summary>
    public void EnsureRequiredComponents()
    {
        string[] required;
        lock (_componentsGate)
        {
            if (_required.Count == _ready)
            {
                return;
            }

            required = [.. _required];
        }

        foreach (string component in required)
        {
            // The writer's thread is dedicated: blocking it on the creation (its own connection) holds up nobody else.
            EnsureComponentAsync(component, CancellationToken.None).GetAwaiter().GetResult();
        }

        lock (_componentsGate)
        {
            _ready = required.Length;
        }
    }

    /// <summary>A pooled connection, opened; an unreachable server or a refused login becomes a <see cref="PostgresUnavailableException"/>.</summary>
    public async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgresErrors.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>The writer's connection, opened synchronously (on the writer's own thread).</summary>
    public NpgsqlConnection OpenWriterConnection() => DataSource.OpenConnection();

    /// <summary>The store's error for a server that cannot be used, naming it.</summary>
    public PostgresUnavailableException Unavailable(Exception exception)
    {
        (string problem, bool transient) = PostgresErrors.Describe(exception);
        return new PostgresUnavailableException(Server, problem, transient, exception);
    }

    /// <summary>Runs a call on a pooled connection, translating connection failures (see <see cref="Unavailable"/>).</summary>
    public async ValueTask<T> WithConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgresErrors.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>Queues an item for the writer; throws <see cref="ObjectDisposedException"/> once the store is closing.</summary>
    public void Enqueue(GroupCommitItem item)
    {
        if (!Writer.TryEnqueue(item))
        {
            throw new ObjectDisposedException("PostgresDatabase", $"The PostgreSQL store {Location} is closed.");
        }
    }

    /// <summary>
    /// Releases one user; the last one stops the writer (after it has committed what is queued) and disposes the data source when the
    /// store built it.
    /// </summary>
    public async ValueTask ReleaseAsync()
    {
        bool last;
        lock (s_openGate)
        {
            last = --_users == 0;
            if (last)
            {
                s_open.Remove(_key);
            }
        }

        if (!last)
        {
            return;
        }

        if (Volatile.Read(ref _writer) is { } writer)
        {
            writer.Close();
            await writer.Stopped.ConfigureAwait(false);
        }

        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task CreateComponentAsync(string component)
    {
        await using NpgsqlConnection connection = await OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await PostgresSchema.EnsureAsync(connection, Schema, component, Location, CancellationToken.None, OutboxPartitions).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgresErrors.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    private readonly record struct Key(object Server, string Schema, int MaxBatchSize);
}
