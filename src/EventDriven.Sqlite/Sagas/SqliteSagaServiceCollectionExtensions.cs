using EventDriven.Sagas;
using EventDriven.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite saga store in a service collection.</summary>
public static class SqliteSagaServiceCollectionExtensions
{
    /// <summary>
    /// Keeps saga instances in the SQLite file <paramref name="databasePath"/>: registers <see cref="SqliteSagaStore"/> as the
    /// <see cref="ISagaStore"/> (one per container, disposed with it, which commits what is still queued). <c>AddEventDrivenSqlite</c>
    /// does this too, on the event store's file and settings; call this one for sagas without the event store. An
    /// <see cref="ISagaStore"/> registered before is kept.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="databasePath">The database file; by default <c>eventdriven.db</c> in the working directory.</param>
    /// <param name="configure">Adjusts durability and busy timeout.</param>
    public static IServiceCollection AddSqliteSagaStore(this IServiceCollection services, string databasePath = SqliteStoreOptions.DefaultDatabasePath, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new SqliteStoreOptions { DatabasePath = databasePath };
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(_ => new SqliteSagaStore(options));
        services.TryAddSingleton<ISagaStore>(static sp => sp.GetRequiredService<SqliteSagaStore>());
        return services;
    }

    /// <summary>The saga half of <c>AddEventDrivenSqlite</c>: the saga store on the registered <see cref="SqliteStoreOptions"/>.</summary>
    internal static void AddSqliteSagaStoreFromOptions(IServiceCollection services)
    {
        services.TryAddSingleton(static sp => new SqliteSagaStore(sp.GetRequiredService<SqliteStoreOptions>()));
        services.TryAddSingleton<ISagaStore>(static sp => sp.GetRequiredService<SqliteSagaStore>());
    }
}
