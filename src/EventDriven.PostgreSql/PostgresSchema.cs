using EventDriven.Store;
using Npgsql;

namespace EventDriven.PostgreSql;

/// <summary>
/// The tables of each component (events, inbox, sagas, dead letters) in the store's PostgreSQL schema, and their creation: each
/// component records its schema version in <c>eventdriven_schema</c>, created once under an advisory lock so that processes
/// starting together never race to create the same table.
/// </summary>
internal static class PostgresSchema
{
    public const string EventsComponent = "events";
    public const int EventsVersion = 1;
    public const string InboxComponent = "inbox";
    public const int InboxVersion = 1;
    public const string SagasComponent = "sagas";
    public const int SagasVersion = 1;
    public const string DeadLettersComponent = "dead_letters";
    public const int DeadLettersVersion = 1;
    public const string OutboxComponent = "outbox";
    public const int OutboxVersion = 1;
    public const string ProjectionsComponent = "projections";
    public const int ProjectionsVersion = 1;

    /// <summary>The columns of a stored event, in the order <see cref="PostgresEventRows.Read"/> expects them.</summary>
    public const string EventColumns = "position, stream_id, stream_version, event_id, event_type, schema_version, occurred_at, causation_id, correlation_id, metadata, payload";

    /// <summary>
    /// <c>events_head</c> holds one row; every append locks it (<c>FOR UPDATE</c>) before it reads the last position, and keeps the
    /// lock to its commit. So positions are handed out in commit order, and a reader following <c>position &gt; after</c> never
    /// skips an event: nothing can commit later with a smaller position. The payload is the serializer's bytes, exactly
    /// (<c>bytea</c>, not <c>jsonb</c>, which would re-order keys and cost a parse per row); <c>occurred_at</c> keeps microseconds.
    /// </summary>
    public static string EventsSql(string s) => $"""
        CREATE TABLE {s}.events (
            position        bigint      NOT NULL PRIMARY KEY,
            stream_id       text        NOT NULL,
            stream_version  bigint      NOT NULL,
            event_id        uuid        NOT NULL,
            event_type      text        NOT NULL,
            schema_version  integer     NOT NULL,
            occurred_at     timestamptz NOT NULL,
            causation_id    uuid,
            correlation_id  uuid,
            metadata        text,
            payload         bytea       NOT NULL,
            CONSTRAINT events_stream_version UNIQUE (stream_id, stream_version),
            CONSTRAINT events_event_id UNIQUE (event_id)
        );
        CREATE INDEX events_by_type ON {s}.events (event_type, position);
        CREATE TABLE {s}.events_head (id integer PRIMARY KEY CHECK (id = 1));
        INSERT INTO {s}.events_head (id) VALUES (1);
        """;

    public static string InboxSql(string s) => $"""
        CREATE TABLE {s}.inbox (
            consumer      text        NOT NULL,
            event_id      uuid        NOT NULL,
            processed_at  timestamptz NOT NULL,
            PRIMARY KEY (consumer, event_id)
        );
        CREATE INDEX inbox_by_processed_at ON {s}.inbox (processed_at);
        """;

    /// <summary>The partial indexes hold running instances only (status 0), so a restart's reads do not grow with finished history.</summary>
    public static string SagasSql(string s) => $"""
        CREATE TABLE {s}.sagas (
            saga_type       text        NOT NULL,
            correlation_id  text        NOT NULL,
            revision        bigint      NOT NULL,
            status          integer     NOT NULL,
            state           bytea       NOT NULL,
            timeout_at      timestamptz,
            updated_at      timestamptz NOT NULL,
            PRIMARY KEY (saga_type, correlation_id)
        );
        CREATE INDEX sagas_open ON {s}.sagas (saga_type) WHERE status = 0;
        CREATE INDEX sagas_timeouts ON {s}.sagas (saga_type, timeout_at) WHERE status = 0 AND timeout_at IS NOT NULL;
        """;

    /// <summary>An identity column never hands out an id twice, so an id an operator noted always names the same letter.</summary>
    public static string DeadLettersSql(string s) => $"""
        CREATE TABLE {s}.dead_letters (
            id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id           uuid        NOT NULL,
            event_type         text        NOT NULL,
            schema_version     integer     NOT NULL,
            occurred_at        timestamptz NOT NULL,
            payload            bytea,
            payload_error      text,
            handler            text        NOT NULL,
            exception_type     text        NOT NULL,
            exception_message  text        NOT NULL,
            exception_detail   text        NOT NULL,
            attempts           integer     NOT NULL,
            failed_at          timestamptz NOT NULL,
            redriven_at        timestamptz,
            redrive_count      integer     NOT NULL DEFAULT 0
        );
        CREATE INDEX dead_letters_pending ON {s}.dead_letters (id) WHERE redriven_at IS NULL;
        """;

    /// <summary>
    /// The outbox: a row per event to send, written in the transaction of its append (under the append lock, so sequences are handed
    /// out in commit order) and deleted once the broker confirmed it. <c>partition</c> is fixed when the row is written (a hash of
    /// the partition key): relays share the partitions, one relay per partition, so order per key holds with several relays.
    /// The partition count is fixed here, by whoever creates the table (<see cref="PostgresStoreOptions.OutboxPartitions"/>), in
    /// <c>outbox_settings</c>: writers hash with it and relays share it, so processes configured differently still agree.
    /// <c>retry_at</c> is set on a message the broker refused: until then it and the later rows of its key are not claimed.
    /// </summary>
    public static string OutboxSql(string s, int partitions) => $"""
        CREATE TABLE {s}.outbox (
            sequence        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            partition       integer     NOT NULL,
            event_id        uuid        NOT NULL,
            event_type      text        NOT NULL,
            schema_version  integer     NOT NULL,
            partition_key   text        NOT NULL,
            occurred_at     timestamptz NOT NULL,
            causation_id    uuid,
            correlation_id  uuid,
            payload         bytea       NOT NULL,
            attempts        integer     NOT NULL DEFAULT 0,
            retry_at        timestamptz,
            last_error      text
        );
        CREATE INDEX outbox_by_partition ON {s}.outbox (partition, sequence);
        CREATE INDEX outbox_deferred ON {s}.outbox (partition, retry_at) WHERE retry_at IS NOT NULL;
        CREATE TABLE {s}.outbox_settings (id integer PRIMARY KEY CHECK (id = 1), partitions integer NOT NULL CHECK (partitions > 0));
        INSERT INTO {s}.outbox_settings (id, partitions) VALUES (1, {partitions});
        """;

    /// <summary>Each projection's checkpoint: its row is locked by the batch that moves it, so two runners never commit the same batch.</summary>
    public static string ProjectionsSql(string s) => $"""
        CREATE TABLE {s}.projection_checkpoints (
            projection  text        NOT NULL PRIMARY KEY,
            position    bigint      NOT NULL,
            updated_at  timestamptz NOT NULL
        );
        """;

    /// <summary>The creation SQL of a component, in schema <paramref name="schema"/>.</summary>
    public static string CreateSql(string component, string schema, int outboxPartitions = 16) => component switch
    {
        EventsComponent => EventsSql(schema),
        InboxComponent => InboxSql(schema),
        SagasComponent => SagasSql(schema),
        DeadLettersComponent => DeadLettersSql(schema),
        OutboxComponent => OutboxSql(schema, outboxPartitions),
        ProjectionsComponent => ProjectionsSql(schema),
        _ => throw new ArgumentOutOfRangeException(nameof(component), component, "Not a component of the PostgreSQL store."),
    };

    /// <summary>The version this library writes for a component.</summary>
    public static int VersionOf(string component) => component switch
    {
        EventsComponent => EventsVersion,
        InboxComponent => InboxVersion,
        SagasComponent => SagasVersion,
        DeadLettersComponent => DeadLettersVersion,
        OutboxComponent => OutboxVersion,
        ProjectionsComponent => ProjectionsVersion,
        _ => throw new ArgumentOutOfRangeException(nameof(component), component, "Not a component of the PostgreSQL store."),
    };

    /// <summary>A name that needs no quoting in SQL: what <see cref="PostgresStoreOptions.Schema"/> accepts.</summary>
    public static bool IsPlainIdentifier(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 63 || !(char.IsAsciiLetterLower(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Creates <paramref name="component"/>'s tables in <paramref name="schema"/> when missing and checks the version recorded for it,
    /// in one transaction under an advisory lock on the schema's name (processes starting together create each table once).
    /// </summary>
    /// <exception cref="IncompatibleDatabaseException">The component's tables were written by a newer version of this library.</exception>
    public static async Task EnsureAsync(NpgsqlConnection connection, string schema, string component, string where, CancellationToken cancellationToken, int outboxPartitions = 16)
    {
        int version = VersionOf(component);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (NpgsqlCommand command = new($"""
            SELECT pg_advisory_xact_lock(hashtext('eventdriven schema ' || @schema));
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.eventdriven_schema (component text PRIMARY KEY, version integer NOT NULL);
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("schema", schema));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long? stored;
        await using (NpgsqlCommand read = new($"SELECT version FROM {schema}.eventdriven_schema WHERE component = $1", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = component });
            stored = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int found ? found : null;
        }

        switch (SchemaVersions.Check(stored, version))
        {
            case SchemaVersionCheck.Newer:
                throw new IncompatibleDatabaseException(where, SchemaVersions.NewerReason(component, stored!.Value, version, "EventDriven.PostgreSql"));
            case SchemaVersionCheck.Missing:
                await using (NpgsqlCommand create = new(CreateSql(component, schema, outboxPartitions) + $"\nINSERT INTO {schema}.eventdriven_schema (component, version) VALUES (@component, @version);", connection, transaction))
                {
                    create.Parameters.Add(new NpgsqlParameter<string>("component", component));
                    create.Parameters.Add(new NpgsqlParameter<int>("version", version));
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                break;

            // Current, or Older: the place for migrations once a second schema version exists.
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
