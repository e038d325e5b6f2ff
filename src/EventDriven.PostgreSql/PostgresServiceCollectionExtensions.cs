using EventDriven.Outbox;
using EventDriven.PostgreSql;
using EventDriven.PostgreSql.Projections;
using EventDriven.Projections;
using EventDriven.Reliability;
using EventDriven.Sagas;
using EventDriven.Store;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers EventDriven's PostgreSQL storage in a service collection.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Stores events on the PostgreSQL server of <paramref name="connectionString"/>: registers <see cref="PostgresEventStore"/> as the
    /// <see cref="IEventStore"/>, one for the container, disposed with it (which commits what is still queued). In the same schema:
    /// <see cref="PostgresInbox"/> as the <see cref="IInbox"/> and <see cref="PostgresDeadLetterStore"/> as the
    /// <see cref="IDeadLetterSink"/> (replacing the in-memory sink whether <c>AddEventDriven</c> is called before or after this), and
    /// <see cref="PostgresSagaStore"/> as the <see cref="ISagaStore"/> of <c>AddSaga</c> (one registered before is kept).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=db;Database=shop;Username=shop;Password=…</c>.</param>
    /// <param name="configure">Adjusts the <see cref="PostgresStoreOptions"/> (schema, sizes, serializer).</param>
    /// <remarks>Nothing connects at registration: the tables are created (or checked) at the first use of each store.</remarks>
    public static IServiceCollection AddEventDrivenPostgres(this IServiceCollection services, string connectionString, Action<PostgresStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return Add(services, new PostgresStoreOptions { ConnectionString = connectionString }, configure);
    }

    /// <summary>
    /// The same on your own <paramref name="dataSource"/> (its pool, logging, settings; under native AOT build it with
    /// <see cref="NpgsqlSlimDataSourceBuilder"/> and <c>EnableArrays()</c>). The stores never dispose it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="dataSource">The data source to take connections from.</param>
    /// <param name="configure">Adjusts the <see cref="PostgresStoreOptions"/> (schema, sizes, serializer).</param>
    public static IServiceCollection AddEventDrivenPostgres(this IServiceCollection services, NpgsqlDataSource dataSource, Action<PostgresStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(dataSource);
        return Add(services, new PostgresStoreOptions { DataSource = dataSource }, configure);
    }

    private static IServiceCollection Add(IServiceCollection services, PostgresStoreOptions options, Action<PostgresStoreOptions>? configure)
    {
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(static sp => new PostgresEventStore(sp.GetRequiredService<PostgresStoreOptions>()));
        services.AddSingleton<IEventStore>(static sp => sp.GetRequiredService<PostgresEventStore>());

        // Replace, not TryAdd: AddEventDriven registers the in-memory defaults with TryAdd, so these win in either order.
        services.AddSingleton(static sp => new PostgresInbox(sp.GetRequiredService<PostgresStoreOptions>(), sp.GetService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IInbox>(static sp => sp.GetRequiredService<PostgresInbox>()));
        services.AddSingleton(static sp => new PostgresDeadLetterStore(sp.GetRequiredService<PostgresStoreOptions>(), sp.GetService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IDeadLetterSink>(static sp => sp.GetRequiredService<PostgresDeadLetterStore>()));

        services.TryAddSingleton(static sp => new PostgresSagaStore(sp.GetRequiredService<PostgresStoreOptions>()));
        services.TryAddSingleton<ISagaStore>(static sp => sp.GetRequiredService<PostgresSagaStore>());

        // Projection checkpoints (for AddProjection<TProjection, PostgresProjectionWriter>), in the same schema.
        services.TryAddSingleton<IProjectionCheckpoints<PostgresProjectionWriter>>(static sp => new PostgresProjectionCheckpoints(sp.GetRequiredService<PostgresStoreOptions>()));

        // The outbox (IOutboxSource) for a relay (AddOutboxRelay, e.g. through AddEventDrivenRabbitMQ), when any event type leaves.
        if (options.Outbox.IsEnabled)
        {
            services.AddSingleton(options.Outbox);
            services.AddSingleton(static sp =>
            {
                // The event store enables the outbox rows; opening it first means no append is written without them.
                _ = sp.GetRequiredService<PostgresEventStore>();
                return new PostgresOutbox(sp.GetRequiredService<PostgresStoreOptions>(), sp.GetService<TimeProvider>());
            });
            services.AddSingleton<IOutboxSource>(static sp => sp.GetRequiredService<PostgresOutbox>());
        }

        return services;
    }
}
