using EventDriven.Aggregates;
using EventDriven.Outbox;
using EventDriven.Projections;
using EventDriven.Reliability;
using EventDriven.Sqlite;
using EventDriven.Sqlite.Projections;
using EventDriven.Sqlite.Snapshots;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers EventDriven's SQLite storage in a service collection.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Stores events in the SQLite file <paramref name="databasePath"/> (created with its schema when missing): registers
    /// <see cref="SqliteEventStore"/> as the <see cref="IEventStore"/>, one for the container, disposed with it (which commits what is
    /// still queued). In the same file: <see cref="SqliteInbox"/> as the <see cref="EventDriven.Reliability.IInbox"/> (for
    /// <c>[EventHandler(Inbox = true)]</c>) and <see cref="SqliteDeadLetterStore"/> as the <see cref="EventDriven.Reliability.IDeadLetterSink"/>,
    /// replacing the in-memory sink whether <c>AddEventDriven</c> is called before or after this; and <see cref="SqliteSagaStore"/> as the
    /// <see cref="EventDriven.Sagas.ISagaStore"/> of <c>AddSaga</c>.
    /// </summary>
    /// <remarks>
    /// When <see cref="SqliteStoreOptions.Outbox"/> includes event types, also <see cref="SqliteOutbox"/> as the <see cref="IOutboxSource"/>
    /// and the <see cref="OutboxOptions"/>, for the relay a transport registers.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="databasePath">The database file; by default <c>eventdriven.db</c> in the working directory.</param>
    /// <param name="configure">Adjusts the <see cref="SqliteStoreOptions"/> (durability, sizes, serializer).</param>
    public static IServiceCollection AddEventDrivenSqlite(this IServiceCollection services, string databasePath = SqliteStoreOptions.DefaultDatabasePath, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new SqliteStoreOptions { DatabasePath = databasePath };
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(options);

        // The event store.
        services.AddSingleton(static sp => new SqliteEventStore(sp.GetRequiredService<SqliteStoreOptions>()));
        services.AddSingleton<IEventStore>(static sp => sp.GetRequiredService<SqliteEventStore>());

        // The inbox (IInbox) and the dead-letter store (IDeadLetterSink), in the same file; they replace the in-memory defaults.
        SqliteReliabilityRegistration.Add(services);

        // The saga store (ISagaStore), in the same file; an ISagaStore registered before is kept.
        SqliteSagaServiceCollectionExtensions.AddSqliteSagaStoreFromOptions(services);

        // Projection checkpoints (for AddProjection<TProjection, SqliteProjectionWriter>), in the same file: read models there commit
        // with their checkpoints. Opened only when a projection asks for them.
        services.TryAddSingleton<IProjectionCheckpoints<SqliteProjectionWriter>>(static sp =>
            new SqliteProjectionCheckpoints(sp.GetRequiredService<SqliteStoreOptions>(), sp.GetService<TimeProvider>()));

        // Aggregate snapshots (ISnapshotStore, for AggregateRepository), in the same file.
        services.TryAddSingleton<ISnapshotStore>(static sp => new SqliteSnapshotStore(sp.GetRequiredService<SqliteStoreOptions>()));

        // The outbox (IOutboxSource) for a relay (AddOutboxRelay, e.g. through AddEventDrivenRabbitMQ), when any event type leaves.
        if (options.Outbox.IsEnabled)
        {
            services.AddSingleton(options.Outbox);
            services.AddSingleton(static sp =>
            {
                // The event store enables the outbox rows; opening it first means no append is written without them.
                _ = sp.GetRequiredService<SqliteEventStore>();
                return new SqliteOutbox(sp.GetRequiredService<SqliteStoreOptions>(), sp.GetService<TimeProvider>());
            });
            services.AddSingleton<IOutboxSource>(static sp => sp.GetRequiredService<SqliteOutbox>());
        }

        return services;
    }
}
